import { assetDependencies, didYouMean, RdError, type AssetEntry } from '@rd-assets/core';

/**
 * The assets a build touches: every asset, or those matching the given ids or globs (`*` within a
 * segment, `**` across segments), plus every asset their inputs come from.
 */
export function selectAssets(assets: AssetEntry[], targets: string[] | undefined): Set<string> {
  if (!targets?.length) return new Set(assets.map((a) => a.id));
  const byId = new Map(assets.map((a) => [a.id, a]));
  const chosen = new Set<string>();
  for (const t of targets) {
    const re = globToRegExp(t);
    const hits = assets.filter((a) => re.test(a.id));
    if (!hits.length) {
      const guess = t.includes('*') || t.includes('?') ? undefined : didYouMean(t, byId.keys());
      throw new RdError('E_NO_MATCH', `no asset matches "${t}"`, { hint: guess ? `did you mean "${guess}"?` : 'ids are as in assets.yaml; group members are group/name; `assets plan` lists them' });
    }
    hits.forEach((a) => chosen.add(a.id));
  }
  const queue = [...chosen];
  while (queue.length) {
    const a = byId.get(queue.pop()!);
    if (!a) continue;
    for (const dep of assetDependencies(a)) {
      if (!chosen.has(dep)) {
        chosen.add(dep);
        queue.push(dep);
      }
    }
  }
  return chosen;
}

/** A target glob as a regular expression: `*` within a segment, `**` across segments, `?` one character. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      re += '.*';
      i++;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}
