import type { PreviewModel } from './preview-model.js';

/**
 * The gallery page: one self-contained HTML document (no framework, no external files). The
 * model is embedded as JSON and drawn by a small script, the same way for the live server and
 * the static report. Live, the script listens for server-sent events and redraws only the cards
 * whose data changed, so the page keeps its scroll position and state without a reload.
 */
export function previewPage(model: PreviewModel, options: { live: boolean }): string {
  const json = JSON.stringify(model).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${escapeHtml(model.title)} · rd-assets preview</title>
<style>${CSS}</style>
</head>
<body>
<header class="bar">
  <h1>rd-assets <span id="title"></span></h1>
  <span id="state" class="state"></span>
  <span id="spent" class="spent"></span>
  <label>zoom <select id="zoom"><option value="auto">auto</option><option>1</option><option>2</option><option>3</option><option>4</option><option>6</option><option>8</option></select></label>
  <label>filter <input id="filter" type="search" placeholder="id, prompt or style"></label>
</header>
<section id="problems" class="problems" hidden></section>
<section id="palettes" class="palettes"></section>
<main id="assets" class="assets"></main>
<script type="application/json" id="model">${json}</script>
<script>window.RD_PREVIEW_LIVE = ${options.live ? 'true' : 'false'};</script>
<script>${CLIENT}</script>
</body>
</html>
`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const CSS = `
:root { color-scheme: dark; --bg: #16161d; --card: #20202a; --line: #33334a; --text: #e6e6ef; --dim: #9a9ab0;
  --fresh: #5ad17a; --cached: #6aa8ff; --failed: #ff6b6b; --skipped: #f0c050; --building: #c08bff; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--text); font: 14px/1.4 system-ui, sans-serif; }
.bar { position: sticky; top: 0; z-index: 2; display: flex; flex-wrap: wrap; gap: 16px; align-items: center; padding: 10px 16px; background: #101016ee; border-bottom: 1px solid var(--line); }
.bar h1 { font-size: 16px; margin: 0; }
#title { color: var(--dim); font-weight: normal; }
.state { color: var(--building); }
.spent { color: var(--dim); }
.bar label { color: var(--dim); }
.problems { margin: 12px 16px; padding: 10px 14px; border: 1px solid var(--failed); border-radius: 6px; background: #2a1518; white-space: pre-wrap; font-family: ui-monospace, monospace; font-size: 12px; }
.palettes { display: flex; flex-wrap: wrap; gap: 16px; padding: 12px 16px 0; }
.palette h3 { margin: 0 0 4px; font-size: 12px; color: var(--dim); font-weight: normal; }
.swatches { display: flex; flex-wrap: wrap; max-width: 416px; }
.swatch { width: 26px; height: 26px; }
.assets { display: grid; grid-template-columns: repeat(auto-fill, minmax(320px, 1fr)); align-items: start; gap: 16px; padding: 16px; }
.asset { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 12px; min-width: 0; }
.asset > header { display: flex; gap: 8px; align-items: baseline; margin-bottom: 8px; }
.asset h2 { font-size: 14px; margin: 0; overflow-wrap: anywhere; flex: 1; }
.status { font-size: 11px; text-transform: uppercase; letter-spacing: .04em; padding: 1px 6px; border-radius: 8px; border: 1px solid currentColor; }
.status-fresh { color: var(--fresh); } .status-cached { color: var(--cached); } .status-failed { color: var(--failed); }
.status-skipped { color: var(--skipped); } .status-building { color: var(--building); } .status-not-built { color: var(--dim); }
.cost { color: var(--dim); font-size: 12px; }
.pictures, .anims { display: flex; flex-wrap: wrap; gap: 10px; align-items: flex-end; margin-bottom: 8px; max-width: 100%; overflow-x: auto; }
figure { margin: 0; }
figcaption { font-size: 11px; color: var(--dim); }
.checker { background-color: #2b2b38; background-image: linear-gradient(45deg, #353545 25%, transparent 25%, transparent 75%, #353545 75%), linear-gradient(45deg, #353545 25%, transparent 25%, transparent 75%, #353545 75%); background-size: 16px 16px; background-position: 0 0, 8px 8px; }
img.pic, canvas.anim, .tile { image-rendering: pixelated; display: block; }
.tiles { display: grid; gap: 2px; margin-bottom: 8px; width: max-content; max-width: 100%; overflow: auto; }
.tile { background-repeat: no-repeat; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 10px; margin: 0; font-size: 12px; }
dt { color: var(--dim); } dd { margin: 0; overflow-wrap: anywhere; }
.error { color: var(--failed); font-size: 12px; white-space: pre-wrap; margin: 8px 0 0; }
.reason { color: var(--skipped); font-size: 12px; margin: 8px 0 0; }
.empty { color: var(--dim); font-size: 12px; }
`;

// Plain browser JavaScript (no build step): draws the model, plays animations, follows updates.
const CLIENT = String.raw`
(() => {
  const $ = (id) => document.getElementById(id);
  let model = JSON.parse($('model').textContent);
  const cards = new Map();
  const anims = [];
  const zoomSelect = $('zoom');
  const filterInput = $('filter');
  try { zoomSelect.value = localStorage.getItem('rd-preview-zoom') || 'auto'; } catch {}

  function el(tag, props, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (k === 'class') e.className = v;
      else if (k === 'text') e.textContent = v;
      else if (k === 'style') e.style.cssText = v;
      else if (k.startsWith('data-')) e.setAttribute(k, v);
      else e[k] = v;
    }
    for (const c of children) if (c) e.append(c);
    return e;
  }
  const inlined = new Map();
  const url = (img) => img.src || inlined.get(img.ref) || ('img/' + img.ref.split('/').map(encodeURIComponent).join('/') + '?v=' + encodeURIComponent(img.version));
  // Integer zoom only: every source pixel becomes an exact square of screen pixels.
  function zoomFor(w, h, target = 160) {
    const z = zoomSelect.value;
    if (z !== 'auto') return Number(z);
    return Math.max(1, Math.min(8, Math.floor(target / Math.max(w, h, 1))));
  }
  function cost(c) {
    if (!c) return '';
    if (c.usd !== undefined) return '$' + c.usd.toFixed(c.usd !== 0 && c.usd < 1 ? 3 : 2);
    if (c.credits !== undefined) return c.credits + (c.credits === 1 ? ' credit' : ' credits');
    return '';
  }

  function picture(a, img) {
    const z = zoomFor(img.width, img.height);
    const image = el('img', { class: 'pic checker', alt: a.id + ' ' + img.label, title: img.label + ' ' + img.width + '×' + img.height + ' at ' + z + '×',
      'data-ref': img.ref, 'data-version': img.version, 'data-width': String(img.width), 'data-height': String(img.height), 'data-asset': a.id });
    image.width = img.width * z;
    image.height = img.height * z;
    image.src = url(img);
    return el('figure', {}, image, el('figcaption', { text: img.label + ' ' + img.width + '×' + img.height }));
  }

  function animations(a) {
    const anim = a.animation;
    const sheet = new Image();
    sheet.src = url(anim.image);
    const box = el('div', { class: 'anims' });
    for (const tag of anim.tags) {
      const frames = anim.frames.slice(tag.from, tag.to + 1);
      if (!frames.length) continue;
      const z = zoomFor(frames[0].w, frames[0].h, 96);
      const canvas = el('canvas', { class: 'anim checker', 'data-tag': tag.name, 'data-asset': a.id });
      canvas.width = frames[0].w * z;
      canvas.height = frames[0].h * z;
      anims.push({ canvas, sheet, frames, z, i: 0, next: 0 });
      box.append(el('figure', {}, canvas, el('figcaption', { text: tag.name })));
    }
    return box;
  }

  function tiles(a, img) {
    const t = a.tileset;
    const z = zoomFor(img.width, img.height);
    const grid = el('div', { class: 'tiles', style: 'grid-template-columns: repeat(' + t.columns + ', ' + t.tileWidth * z + 'px)' });
    for (let i = 0; i < t.columns * t.rows; i++) {
      const col = i % t.columns, row = Math.floor(i / t.columns);
      grid.append(el('div', { class: 'tile', title: t.names[i] || ('tile ' + i),
        style: 'width:' + t.tileWidth * z + 'px;height:' + t.tileHeight * z + 'px;background-image:url("' + url(img) + '");' +
          'background-size:' + img.width * z + 'px ' + img.height * z + 'px;background-position:' + -col * t.tileWidth * z + 'px ' + -row * t.tileHeight * z + 'px' }));
    }
    return grid;
  }

  function card(a) {
    const head = el('header', {}, el('h2', { text: a.id }), el('span', { class: 'cost', text: cost(a.cost) }),
      el('span', { class: 'status status-' + a.status, text: a.status.replace('-', ' ') }));
    const box = el('article', { class: 'asset', 'data-asset-id': a.id, 'data-status': a.status }, head);
    if (a.images.length) box.append(el('div', { class: 'pictures' }, ...a.images.map((img) => picture(a, img))));
    else box.append(el('p', { class: 'empty', text: 'not built yet' }));
    if (a.animation) box.append(animations(a));
    if (a.tileset && a.images[0]) box.append(tiles(a, a.images[0]));
    const facts = el('dl');
    const fact = (k, v) => { if (v !== undefined && v !== '') facts.append(el('dt', { text: k }), el('dd', { text: String(v) })); };
    fact('prompt', a.prompt);
    a.edits.forEach((e, i) => fact('edit ' + (i + 1), e));
    fact('style', a.style);
    fact('seed', a.seed);
    fact('size', a.size ? a.size[0] + '×' + a.size[1] : undefined);
    box.append(facts);
    if (a.error) box.append(el('p', { class: 'error', text: a.error.code + '  ' + a.error.message + (a.error.hint ? ' (hint: ' + a.error.hint + ')' : '') }));
    else if (a.reason && a.status !== 'cached') box.append(el('p', { class: 'reason', text: a.reason }));
    return box;
  }

  function matches(a, q) {
    if (!q) return true;
    return [a.id, a.prompt, a.style || ''].concat(a.edits).some((s) => s.toLowerCase().includes(q));
  }

  function render() {
    inlined.clear();
    for (const a of model.assets) for (const img of a.images) if (img.src) inlined.set(img.ref, img.src);
    $('title').textContent = model.title;
    document.title = model.title + ' · rd-assets preview';
    $('state').textContent = model.building ? 'building…' : '';
    $('spent').textContent = model.spent && cost(model.spent) ? 'spent this session: ' + cost(model.spent) : '';
    const problems = $('problems');
    problems.hidden = !model.problems.length;
    problems.textContent = model.problems.length ? 'The manifest has errors; showing the last good build.\n' + model.problems.join('\n') : '';
    const pal = $('palettes');
    pal.replaceChildren(...model.palettes.map((p) => el('div', { class: 'palette', 'data-palette': p.name }, el('h3', { text: p.name + ' (' + p.colors.length + ')' }),
      el('div', { class: 'swatches' }, ...p.colors.map((c) => el('div', { class: 'swatch', title: c, style: 'background:' + c }))))));
    const list = $('assets');
    const q = filterInput.value.trim().toLowerCase();
    const seen = new Set();
    let prev = null;
    for (const a of model.assets) {
      const key = JSON.stringify(a) + '|' + zoomSelect.value;
      let entry = cards.get(a.id);
      if (!entry || entry.key !== key) {
        const next = card(a);
        if (entry) entry.el.replaceWith(next);
        entry = { key, el: next };
        cards.set(a.id, entry);
      }
      entry.el.hidden = !matches(a, q);
      const want = prev ? prev.nextSibling : list.firstChild;
      if (want !== entry.el) list.insertBefore(entry.el, want);
      prev = entry.el;
      seen.add(a.id);
    }
    for (const [id, entry] of cards) if (!seen.has(id)) { entry.el.remove(); cards.delete(id); }
  }

  // With reduced motion asked for, animations show their first frame and stay still.
  const still = window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  function tick(now) {
    for (let k = anims.length - 1; k >= 0; k--) {
      const a = anims[k];
      if (!a.canvas.isConnected) { anims.splice(k, 1); continue; }
      if (!a.sheet.complete || !a.sheet.naturalWidth || now < a.next) continue;
      const f = a.frames[a.i];
      const ctx = a.canvas.getContext('2d');
      ctx.imageSmoothingEnabled = false;
      ctx.clearRect(0, 0, a.canvas.width, a.canvas.height);
      ctx.drawImage(a.sheet, f.x, f.y, f.w, f.h, 0, 0, f.w * a.z, f.h * a.z);
      a.next = still ? Infinity : now + Math.max(20, f.duration);
      a.i = (a.i + 1) % a.frames.length;
    }
    requestAnimationFrame(tick);
  }

  zoomSelect.addEventListener('change', () => { try { localStorage.setItem('rd-preview-zoom', zoomSelect.value); } catch {} render(); });
  filterInput.addEventListener('input', render);
  render();
  requestAnimationFrame(tick);

  if (window.RD_PREVIEW_LIVE && 'EventSource' in window) {
    const events = new EventSource('events');
    events.addEventListener('model', (e) => { model = JSON.parse(e.data); render(); window.dispatchEvent(new CustomEvent('rd-preview-update', { detail: model })); });
    events.addEventListener('error', () => { $('state').textContent = 'disconnected: is assets watch still running?'; });
    events.addEventListener('open', () => { $('state').textContent = model.building ? 'building…' : ''; });
  }
})();
`;
