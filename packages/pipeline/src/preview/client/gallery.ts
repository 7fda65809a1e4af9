// The gallery page's script (bundled at build into dist/preview/gallery.js, inlined by
// preview/page.ts): draws the model, plays animations, follows a live session's updates.
import { formatCost } from '@rd-assets/core/cost-format';
import type { Cost } from '@rd-assets/core';
import type { PreviewImage } from '../image.js';
import type { PreviewAsset, PreviewModel } from '../model.js';
import type { PreviewCuration } from '../curation-model.js';

declare global {
  interface Window {
    /** Set by the page: true when a live server sends updates. */
    RD_PREVIEW_LIVE?: boolean;
  }
}

type Props = Record<string, string | number | boolean>;

interface PlayingAnimation {
  canvas: HTMLCanvasElement;
  sheet: HTMLImageElement;
  frames: Array<{ x: number; y: number; w: number; h: number; duration: number }>;
  z: number;
  i: number;
  next: number;
}

const ZOOM_KEY = 'rd-preview-zoom';

function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (!e) throw new Error(`the page has no #${id}`);
  return e as T;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props?: Props, ...children: Array<Node | string | null | undefined | false>): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props ?? {})) {
    if (k === 'class') e.className = String(v);
    else if (k === 'text') e.textContent = String(v);
    else if (k === 'style') e.style.cssText = String(v);
    else if (k.startsWith('data-')) e.setAttribute(k, String(v));
    else (e as unknown as Record<string, unknown>)[k] = v;
  }
  for (const c of children) if (c) e.append(c);
  return e;
}

/** The gallery's money: the same formatter as the command line, but blank when nothing is known. */
function cost(c: Cost | undefined): string {
  return c ? formatCost(c, '') : '';
}

function start(): void {
  let model = JSON.parse(byId('model').textContent ?? '{}') as PreviewModel;
  const cards = new Map<string, { key: string; el: HTMLElement }>();
  const anims: PlayingAnimation[] = [];
  const zoomSelect = byId<HTMLSelectElement>('zoom');
  // Present only in a live gallery that may write: every write carries it.
  const token = document.querySelector<HTMLMetaElement>('meta[name="rd-preview-token"]')?.content;
  let actions = 0;
  const filterInput = byId<HTMLInputElement>('filter');
  zoomSelect.value = readZoom();

  const inlined = new Map<string, string>();
  const url = (img: PreviewImage): string =>
    img.src ?? inlined.get(img.ref) ?? `img/${img.ref.split('/').map(encodeURIComponent).join('/')}?v=${encodeURIComponent(img.version)}`;

  // Integer zoom only: every source pixel becomes an exact square of screen pixels.
  function zoomFor(w: number, h: number, target = 160): number {
    const z = zoomSelect.value;
    if (z !== 'auto') return Number(z);
    return Math.max(1, Math.min(8, Math.floor(target / Math.max(w, h, 1))));
  }

  function picture(a: PreviewAsset, img: PreviewImage): HTMLElement {
    const z = zoomFor(img.width, img.height);
    const image = el('img', {
      class: 'pic checker',
      alt: `${a.id} ${img.label}`,
      title: `${img.label} ${img.width}×${img.height} at ${z}×`,
      'data-ref': img.ref,
      'data-version': img.version,
      'data-width': String(img.width),
      'data-height': String(img.height),
      'data-asset': a.id,
    });
    image.width = img.width * z;
    image.height = img.height * z;
    image.src = url(img);
    return el('figure', {}, image, el('figcaption', { text: `${img.label} ${img.width}×${img.height}` }));
  }

  function animations(a: PreviewAsset & { animation: NonNullable<PreviewAsset['animation']> }): HTMLElement {
    const anim = a.animation;
    const sheet = new Image();
    sheet.src = url(anim.image);
    const box = el('div', { class: 'anims' });
    for (const tag of anim.tags) {
      const frames = anim.frames.slice(tag.from, tag.to + 1);
      const first = frames[0];
      if (!first) continue;
      const z = zoomFor(first.w, first.h, 96);
      const canvas = el('canvas', { class: 'anim checker', 'data-tag': tag.name, 'data-asset': a.id });
      canvas.width = first.w * z;
      canvas.height = first.h * z;
      anims.push({ canvas, sheet, frames, z, i: 0, next: 0 });
      box.append(el('figure', {}, canvas, el('figcaption', { text: tag.name })));
    }
    return box;
  }

  function tiles(a: PreviewAsset & { tileset: NonNullable<PreviewAsset['tileset']> }, img: PreviewImage): HTMLElement {
    const t = a.tileset;
    const z = zoomFor(img.width, img.height);
    const grid = el('div', { class: 'tiles', style: `grid-template-columns: repeat(${t.columns}, ${t.tileWidth * z}px)` });
    for (let i = 0; i < t.columns * t.rows; i++) {
      const col = i % t.columns;
      const row = Math.floor(i / t.columns);
      grid.append(
        el('div', {
          class: 'tile',
          title: t.names[i] || `tile ${i}`,
          style:
            `width:${t.tileWidth * z}px;height:${t.tileHeight * z}px;background-image:url("${url(img)}");` +
            `background-size:${img.width * z}px ${img.height * z}px;background-position:${-col * t.tileWidth * z}px ${-row * t.tileHeight * z}px`,
        }),
      );
    }
    return grid;
  }

  function card(a: PreviewAsset): HTMLElement {
    const head = el(
      'header',
      {},
      el('h2', { text: a.id }),
      el('span', { class: 'cost', text: cost(a.cost) }),
      el('span', { class: `status status-${a.status}`, text: a.status.replace('-', ' ') }),
    );
    const box = el('article', { class: 'asset', 'data-asset-id': a.id, 'data-status': a.status }, head);
    if (a.images.length) box.append(el('div', { class: 'pictures' }, ...a.images.map((img) => picture(a, img))));
    else box.append(el('p', { class: 'empty', text: 'not built yet' }));
    if (a.animation) box.append(animations({ ...a, animation: a.animation }));
    if (a.tileset && a.images[0]) box.append(tiles({ ...a, tileset: a.tileset }, a.images[0]));
    const facts = el('dl');
    const fact = (k: string, v: string | number | undefined): void => {
      if (v !== undefined && v !== '') facts.append(el('dt', { text: k }), el('dd', { text: String(v) }));
    };
    fact('prompt', a.prompt);
    a.edits.forEach((e, i) => fact(`edit ${i + 1}`, e));
    fact('style', a.style);
    fact('seed', a.seed);
    fact('size', a.size ? `${a.size[0]}×${a.size[1]}` : undefined);
    box.append(facts);
    if (a.curation) box.append(curation(a, a.curation));
    if (a.error) box.append(el('p', { class: 'error', text: `${a.error.code}  ${a.error.message}${a.error.hint ? ` (hint: ${a.error.hint})` : ''}` }));
    else if (a.reason && a.status !== 'cached') box.append(el('p', { class: 'reason', text: a.reason }));
    return box;
  }

  /** Candidates with a pick button, a reroll button priced first, and the history with revert buttons. */
  function curation(a: PreviewAsset, c: PreviewCuration): HTMLElement {
    const box = el('section', { class: 'curation', 'data-curation': a.id });
    const can = !!token;
    if (c.candidates.length) {
      const row = el('div', { class: 'pictures candidates' });
      for (const [i, img] of c.candidates.entries()) {
        const picked = c.pick === i;
        const button = el('button', { type: 'button', text: picked ? 'picked' : 'pick', disabled: !can || picked, 'data-action': 'pick', 'data-index': String(i) });
        button.addEventListener('click', () => void act(a.id, { action: 'pick', index: i }));
        row.append(el('figure', { class: picked ? 'picked' : '' }, picture(a, img), button));
      }
      box.append(el('h3', { text: 'candidates' }), row);
    }
    const price = cost(c.rerollCost) || 'free';
    const reroll = el('button', { type: 'button', text: `reroll · ${price}`, disabled: !can, 'data-action': 'reroll', title: `a new seed: one call, about ${price}` });
    reroll.addEventListener('click', () => {
      if (window.confirm(`Reroll ${a.id} with a new seed? One call, about ${price}.`)) void act(a.id, { action: 'reroll' });
    });
    box.append(el('div', { class: 'actions' }, reroll));
    if (c.history.length > 1) {
      const list = el('ol', { class: 'history' });
      for (const h of c.history) {
        const button = el('button', { type: 'button', text: h.current ? 'current' : 'revert', disabled: !can || h.current, 'data-action': 'revert', 'data-n': String(h.n) });
        button.addEventListener('click', () => void act(a.id, { action: 'revert', n: h.n }));
        list.append(el('li', { 'data-n': String(h.n) }, h.image ? picture(a, h.image) : null, el('span', { text: `${h.n}. seed ${h.seed ?? '?'}${h.pick === undefined ? '' : `, pick ${h.pick}`}`, title: h.prompt ?? '' }), button));
      }
      box.append(el('h3', { text: 'history' }), list);
    }
    return box;
  }

  /** One write through the server (the same functions as the CLI); the page redraws from the pushed model. */
  async function act(id: string, body: Record<string, string | number>): Promise<void> {
    const state = byId('action');
    state.textContent = `${String(body.action)} ${id}…`;
    document.body.dataset.action = 'busy';
    try {
      const res = await fetch('action', { method: 'POST', headers: { 'content-type': 'application/json', 'x-rd-preview-token': token ?? '' }, body: JSON.stringify({ ...body, id }) });
      const answer = (await res.json()) as { error?: { code: string; message: string; hint?: string } };
      state.textContent = answer.error ? `${answer.error.code}  ${answer.error.message}${answer.error.hint ? ` (hint: ${answer.error.hint})` : ''}` : `${String(body.action)} ${id}: done`;
    } catch (e) {
      state.textContent = `${String(body.action)} ${id} failed: ${(e as Error).message}`;
    }
    actions++;
    document.body.dataset.action = `done ${actions}`;
  }

  function matches(a: PreviewAsset, q: string): boolean {
    if (!q) return true;
    return [a.id, a.prompt, a.style ?? '', ...a.edits].some((s) => s.toLowerCase().includes(q));
  }

  function render(): void {
    inlined.clear();
    for (const a of model.assets) for (const img of a.images) if (img.src) inlined.set(img.ref, img.src);
    byId('title').textContent = model.title;
    document.title = `${model.title} · rd-assets preview`;
    byId('state').textContent = model.building ? 'building…' : '';
    byId('spent').textContent = model.spent && cost(model.spent) ? `spent this session: ${cost(model.spent)}` : '';
    const problems = byId('problems');
    problems.hidden = !model.problems.length;
    problems.textContent = model.problems.length ? `The manifest has errors; showing the last good build.\n${model.problems.join('\n')}` : '';
    byId('palettes').replaceChildren(
      ...model.palettes.map((p) =>
        el(
          'div',
          { class: 'palette', 'data-palette': p.name },
          el('h3', { text: `${p.name} (${p.colors.length})` }),
          el('div', { class: 'swatches' }, ...p.colors.map((c) => el('div', { class: 'swatch', title: c, style: `background:${c}` }))),
        ),
      ),
    );
    const list = byId('assets');
    const q = filterInput.value.trim().toLowerCase();
    const seen = new Set<string>();
    let prev: HTMLElement | null = null;
    for (const a of model.assets) {
      const key = `${JSON.stringify(a)}|${zoomSelect.value}`;
      let entry = cards.get(a.id);
      if (!entry || entry.key !== key) {
        const next = card(a);
        if (entry) entry.el.replaceWith(next);
        entry = { key, el: next };
        cards.set(a.id, entry);
      }
      entry.el.hidden = !matches(a, q);
      const want: ChildNode | null = prev ? prev.nextSibling : list.firstChild;
      if (want !== entry.el) list.insertBefore(entry.el, want);
      prev = entry.el;
      seen.add(a.id);
    }
    for (const [id, entry] of cards) {
      if (seen.has(id)) continue;
      entry.el.remove();
      cards.delete(id);
    }
  }

  // With reduced motion asked for, animations show their first frame and stay still.
  const still = typeof window.matchMedia === 'function' && window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  function tick(now: number): void {
    for (let k = anims.length - 1; k >= 0; k--) {
      const a = anims[k]!;
      if (!a.canvas.isConnected) {
        anims.splice(k, 1);
        continue;
      }
      if (!a.sheet.complete || !a.sheet.naturalWidth || now < a.next) continue;
      const f = a.frames[a.i]!;
      const ctx = a.canvas.getContext('2d');
      if (!ctx) continue;
      ctx.imageSmoothingEnabled = false;
      ctx.clearRect(0, 0, a.canvas.width, a.canvas.height);
      ctx.drawImage(a.sheet, f.x, f.y, f.w, f.h, 0, 0, f.w * a.z, f.h * a.z);
      a.next = still ? Infinity : now + Math.max(20, f.duration);
      a.i = (a.i + 1) % a.frames.length;
    }
    requestAnimationFrame(tick);
  }

  zoomSelect.addEventListener('change', () => {
    writeZoom(zoomSelect.value);
    render();
  });
  filterInput.addEventListener('input', render);
  render();
  requestAnimationFrame(tick);

  if (window.RD_PREVIEW_LIVE && 'EventSource' in window) {
    const events = new EventSource('events');
    events.addEventListener('model', (e: MessageEvent<string>) => {
      model = JSON.parse(e.data) as PreviewModel;
      render();
      window.dispatchEvent(new CustomEvent('rd-preview-update', { detail: model }));
    });
    events.addEventListener('error', () => {
      byId('state').textContent = 'disconnected: is assets watch still running?';
    });
    events.addEventListener('open', () => {
      byId('state').textContent = model.building ? 'building…' : '';
    });
  }
}

// The zoom is remembered across reloads where the browser allows storage. It throws in a page
// opened from file:// in some browsers, or with storage disabled: the page then starts at `auto`,
// which is what a first visit shows anyway, so the error is not worth a word.
function readZoom(): string {
  try {
    return localStorage.getItem(ZOOM_KEY) || 'auto';
  } catch {
    return 'auto';
  }
}

function writeZoom(value: string): void {
  try {
    localStorage.setItem(ZOOM_KEY, value);
  } catch {
    // See readZoom: not remembering the zoom costs the user one click.
  }
}

start();
