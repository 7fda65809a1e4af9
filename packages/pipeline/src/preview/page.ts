import { readFileSync } from 'node:fs';
import type { PreviewModel } from './model.js';

/**
 * The gallery page: one self-contained HTML document (no framework, no external files). The
 * model is embedded as JSON and drawn by a small script, the same way for the live server and
 * the static report. Live, the script listens for server-sent events and redraws only the cards
 * whose data changed, so the page keeps its scroll position and state without a reload.
 */
export function previewPage(model: PreviewModel, options: { live: boolean; token?: string }): string {
  const json = JSON.stringify(model).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">${options.token ? `
<meta name="rd-preview-token" content="${escapeHtml(options.token)}">` : ''}
<title>${escapeHtml(model.title)} · rd-assets preview</title>
<style>${CSS}</style>
</head>
<body>
<header class="bar">
  <h1>rd-assets <span id="title"></span></h1>
  <span id="state" class="state"></span>
  <span id="spent" class="spent"></span>
  <span id="action" class="state" role="status"></span>
  <label>zoom <select id="zoom"><option value="auto">auto</option><option>1</option><option>2</option><option>3</option><option>4</option><option>6</option><option>8</option></select></label>
  <label>filter <input id="filter" type="search" placeholder="id, prompt or style"></label>
</header>
<section id="problems" class="problems" hidden></section>
<section id="palettes" class="palettes"></section>
<main id="assets" class="assets"></main>
<script type="application/json" id="model">${json}</script>
<script>window.RD_PREVIEW_LIVE = ${options.live ? 'true' : 'false'};</script>
<script>${galleryScript()}</script>
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
.curation { border-top: 1px solid var(--line); margin-top: 8px; padding-top: 6px; }
.curation h3 { font-size: 12px; color: var(--dim); font-weight: normal; margin: 4px 0; }
.curation figure.picked img { outline: 2px solid var(--fresh); }
.curation button { margin-top: 4px; background: #2c2c3c; color: var(--text); border: 1px solid var(--line); border-radius: 4px; padding: 2px 8px; cursor: pointer; }
.curation button:disabled { opacity: .55; cursor: default; }
.history { list-style: none; padding: 0; margin: 0; display: flex; flex-wrap: wrap; gap: 8px; font-size: 12px; }
.history li { display: flex; flex-direction: column; gap: 2px; }
`;

/**
 * The page's script: src/preview/client/gallery.ts, type-checked and bundled at build into
 * dist/preview/gallery.js. The path goes through `../../dist/` so it resolves the same from
 * dist/preview/page.js (the package) and from src/preview/page.ts (unit tests run on sources).
 */
const GALLERY_SCRIPT = new URL('../../dist/preview/gallery.js', import.meta.url);
let gallery: string | undefined;

function galleryScript(): string {
  // `</script` cannot occur in the bundle's code, but a string in it could end the element early.
  gallery ??= readFileSync(GALLERY_SCRIPT, 'utf8').replace(/<\/(script)/gi, '<\\/$1');
  return gallery;
}
