import { closest } from 'fastest-levenshtein';
import { similar } from '../did-you-mean.js';
import type { AssetEntry, Manifest } from '../manifest-types.js';
import { pickedImageCount } from '../output-names.js';
import { assetRefs } from '../asset-refs.js';
import { checkOutputOwnership } from '../output-ownership.js';
import type { Context } from './context.js';

/** Rules across assets: duplicate ids, refs to unknown assets or images, cycles, then who owns each output file. */
export function crossChecks(ctx: Context, manifest: Manifest): void {
  const byId = new Map<string, AssetEntry>();
  for (const a of manifest.assets) {
    const prev = byId.get(a.id);
    if (prev) {
      ctx.diagnostics.push({
        severity: 'error',
        code: 'E_DUPLICATE_ID',
        message: `asset id "${a.id}" is defined twice (first at line ${prev.location.line})`,
        hint: a.matrix ? 'put the matrix variable in the id, e.g. "slime-${each}"' : 'rename one of them',
        location: a.location,
        assetId: a.id,
      });
      continue;
    }
    byId.set(a.id, a);
  }
  for (const a of byId.values()) {
    for (const { ref, field } of assetRefs(a)) {
      if (ref.kind !== 'asset') continue;
      const target = byId.get(ref.asset);
      const loc = a.fieldLocations[field] ?? a.location;
      if (!target) {
        if (ctx.declared.has(ref.asset)) continue; // it has errors of its own
        const guess = byId.size ? closest(ref.asset, [...byId.keys()]) : undefined;
        ctx.diagnostics.push({
          severity: 'error',
          code: 'E_ASSET_UNKNOWN',
          message: `"${a.id}" uses the output of unknown asset "${ref.asset}"`,
          hint: guess && similar(ref.asset, guess) ? `did you mean "${guess}"?` : 'group members are named group/name',
          location: loc,
          assetId: a.id,
        });
        continue;
      }
      const count = pickedImageCount(target);
      if (ref.index >= count) {
        ctx.diagnostics.push({
          severity: 'error',
          code: 'E_ASSET_INDEX',
          message: `"${a.id}" uses image ${ref.index} of "${ref.asset}", which makes ${count}`,
          hint: count === 1 ? 'use index: 0, or give it `count:`' : `use an index from 0 to ${count - 1}`,
          location: loc,
          assetId: a.id,
        });
      }
    }
  }
  // Cycles: a → b → a would wait forever.
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (a: AssetEntry, trail: string[]): void => {
    if (state.get(a.id) === 'done') return;
    if (state.get(a.id) === 'visiting') {
      const cycle = [...trail.slice(trail.indexOf(a.id)), a.id];
      ctx.diagnostics.push({
        severity: 'error',
        code: 'E_CYCLE',
        message: `assets depend on each other in a cycle: ${cycle.join(' → ')}`,
        hint: 'an asset cannot use its own output, directly or through others',
        location: a.location,
        assetId: a.id,
      });
      return;
    }
    state.set(a.id, 'visiting');
    for (const { ref } of assetRefs(a)) {
      const t = ref.kind === 'asset' ? byId.get(ref.asset) : undefined;
      if (t) visit(t, [...trail, a.id]);
    }
    state.set(a.id, 'done');
  };
  for (const a of byId.values()) visit(a, []);
  manifest.assets = [...byId.values()];
  ctx.diagnostics.push(...checkOutputOwnership(manifest, ctx.lowPolyCatalog));
}
