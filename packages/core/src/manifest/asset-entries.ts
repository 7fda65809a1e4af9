import type { GroupDecl, Manifest } from '../manifest-types.js';
import { matrixCombinations, matrixSize, substitute, unresolved, type MatrixSpec } from '../matrix.js';
import { escapePointer } from '../yaml-positions.js';
import { MAX_MATRIX_INSTANCES } from '../limits.js';
import type { Context, Merged, Raw } from './context.js';
import { defaultsAt, merge } from './defaults-merge.js';
import { readAssetEntry, ID_SEGMENT } from './asset-entry.js';

/**
 * The asset entries, top-level then group by group: each with its layers of defaults, each
 * matrix (`each:`) expanded into its instances. Adds groups and assets to `manifest`.
 */
export function readAssetEntries(ctx: Context, root: Raw, manifest: Manifest): void {
  const topDefaults = defaultsAt(root.defaults, '/defaults');
  const raws: Array<{ name: string; raw: unknown; pointer: string; group?: string; defaults: Merged[] }> = [];
  if (root.assets && typeof root.assets === 'object') {
    for (const [name, raw] of Object.entries(root.assets as Raw)) {
      raws.push({ name, raw, pointer: `/assets/${escapePointer(name)}`, defaults: [topDefaults] });
    }
  }
  if (root.groups && typeof root.groups === 'object') {
    for (const [groupName, g] of Object.entries(root.groups as Raw)) {
      const gPointer = `/groups/${escapePointer(groupName)}`;
      if (!ID_SEGMENT.test(groupName)) {
        ctx.error('E_ID_INVALID', `group name "${groupName}" is not a safe file name`, gPointer, 'use letters, digits, "_", "-" and "."', undefined, true);
        continue;
      }
      if (!ctx.nameAllowed('group name', groupName, gPointer)) continue;
      if (!g || typeof g !== 'object') continue;
      const group = g as Raw;
      const decl: GroupDecl = { name: groupName, assets: [], location: ctx.at(gPointer, true) };
      if (group.atlas) {
        const a = (group.atlas === true ? {} : group.atlas) as Raw;
        decl.atlas = {
          maxSize: typeof a.max_size === 'number' ? a.max_size : 2048,
          padding: typeof a.padding === 'number' ? a.padding : 1,
          extrude: typeof a.extrude === 'number' ? a.extrude : 0,
          godot: a.godot === true,
        };
      }
      manifest.groups.push(decl);
      const groupDefaults = defaultsAt(group.defaults, `${gPointer}/defaults`);
      if (group.assets && typeof group.assets === 'object') {
        for (const [name, raw] of Object.entries(group.assets as Raw)) {
          raws.push({ name, raw, pointer: `${gPointer}/assets/${escapePointer(name)}`, group: groupName, defaults: [topDefaults, groupDefaults] });
        }
      }
    }
  }

  for (const r of raws) {
    if (!r.raw || typeof r.raw !== 'object' || ctx.broken(r.pointer)) continue;
    if (r.defaults.some((d) => Object.values(d.from).some((p) => ctx.broken(p)))) continue;
    const entry = r.raw as Raw;
    if (entry.each && matrixSize(entry.each as MatrixSpec) > MAX_MATRIX_INSTANCES) {
      ctx.error('E_MATRIX_TOO_LARGE', `\`each:\` of "${r.name}" makes ${matrixSize(entry.each as MatrixSpec)} assets; at most ${MAX_MATRIX_INSTANCES} are allowed`, `${r.pointer}/each`, 'split it into several entries, or check the matrix for a mistake', r.name, true);
      continue;
    }
    const combos = entry.each ? matrixCombinations(entry.each as MatrixSpec) : [undefined];
    const overrides = instanceOverrides(ctx, entry, combos, r);
    for (const vars of combos) {
      const values = vars ? substitute({ ...entry, each: undefined, instances: undefined }, vars) : entry;
      const name = vars ? substitute(r.name, vars) : r.name;
      const left = unresolved({ name, ...values });
      if (left.length) {
        const known = vars ? Object.keys(vars).map((v) => `\${${v}}`).join(', ') : 'none (add `each:`)';
        ctx.error('E_MATRIX_VAR', `unknown matrix variable \${${left[0]}} in asset "${r.name}"`, r.pointer, `known variables: ${known}`, r.name, true);
        break;
      }
      const own = overrides.get(name);
      // An instance's own fields (`instances: { potion-red: { seed: 7 } }`) win over the template's.
      const merged = own ? merge([merge(r.defaults, values, r.pointer)], own, `${r.pointer}/instances/${escapePointer(name)}`) : merge(r.defaults, values, r.pointer);
      // Steps taken from `defaults:` (post, edit) are written once for many entries: they see
      // each instance's variables too, and one left over is reported where the defaults say it.
      const inherited = Object.keys(merged.values).filter((k) => !merged.from[k]!.startsWith(`${r.pointer}/`));
      if (vars) for (const k of inherited) merged.values[k] = substitute(merged.values[k], vars);
      const leftInDefaults = inherited.find((k) => unresolved(merged.values[k]).length > 0);
      if (leftInDefaults) {
        const known = vars ? Object.keys(vars).map((v) => `\${${v}}`).join(', ') : 'none (add `each:` to the entry)';
        ctx.error('E_MATRIX_VAR', `unknown matrix variable \${${unresolved(merged.values[leftInDefaults])[0]}} in \`${leftInDefaults}\` of the defaults of "${name}"`, merged.from[leftInDefaults]!, `known variables: ${known}`, name, true);
        break;
      }
      const asset = readAssetEntry(ctx, name, r.group, merged, r.pointer, vars);
      if (asset) manifest.assets.push(asset);
    }
  }
}

/** `instances:` of a matrix entry, by instance name; each name must be one the matrix makes. */
function instanceOverrides(ctx: Context, entry: Raw, combos: Array<Record<string, string> | undefined>, r: { name: string; pointer: string }): Map<string, Raw> {
  const out = new Map<string, Raw>();
  const given = entry.instances;
  if (!given || typeof given !== 'object') return out;
  if (!entry.each) {
    ctx.error('E_INSTANCES_WITHOUT_EACH', `\`instances:\` of "${r.name}" overrides instances of a matrix, and it has no \`each:\``, `${r.pointer}/instances`, 'set the fields on the entry itself', r.name);
    return out;
  }
  const names = combos.map((vars) => substitute(r.name, vars ?? {}));
  for (const [name, fields] of Object.entries(given as Raw)) {
    if (!names.includes(name)) {
      ctx.error('E_INSTANCE_UNKNOWN', `\`instances:\` of "${r.name}" names "${name}", which its matrix does not make`, `${r.pointer}/instances/${escapePointer(name)}`, `its instances: ${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''}`, r.name);
      continue;
    }
    if (fields && typeof fields === 'object') out.set(name, fields as Raw);
  }
  return out;
}
