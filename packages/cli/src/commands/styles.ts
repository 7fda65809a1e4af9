import { builtInCatalog, describeLimits, didYouMean, widestLimits, type StyleInfo } from '@rd-assets/core';
import { parse } from '../args.js';
import { OfflineRefreshError, UnknownFamilyError } from '../styles-errors.js';
import { style, type Io } from '../terminal.js';

export const help = `Usage: assets styles [options]

List every style the catalog knows: its family, sizes, batch cap, needs and where it is
documented (seed = the founding API document, current = the 2026 v1 reference, v2).

Options:
      --family <name>      only this family (rd_fast, rd_plus, rd_pro, rd_mini, animation,
                           advanced_animation, rd_tile, edit)
      --refresh            read the live catalog (GET /v1/styles/selector) into the cache
                           folder, where it overrides the built-in one
      --offline            refused with --refresh: the emulator's copy must not replace
                           the project's catalog (nothing is written; exit 2)
  -m, --manifest <file>    manifest whose cache folder holds the refreshed catalog
      --json               print as JSON
  -h, --help               show this help

Exit codes: 0 ok, 1 the refresh failed, 2 bad usage.
`;

export async function run(argv: string[], io: Io): Promise<number> {
  const { values } = parse(
    'styles',
    argv,
    { family: { type: 'string' }, refresh: { type: 'boolean' }, offline: { type: 'boolean' }, manifest: { type: 'string', short: 'm' }, json: { type: 'boolean' } },
    false,
  );
  if (values.help) {
    io.stdout.write(help);
    return 0;
  }
  let styles: readonly StyleInfo[] = builtInCatalog.styles;
  if (values.refresh && values.offline) throw new OfflineRefreshError();
  if (values.refresh) {
    const { refreshStyles } = await import('@rd-assets/pipeline');
    const refreshed = await refreshStyles({ cwd: io.cwd, env: io.env, offline: values.offline === true, ...(values.manifest ? { manifest: values.manifest } : {}) });
    io.stderr.write(`read ${refreshed.styles.length} styles into ${refreshed.path}\n`);
    styles = builtInCatalog.with(refreshed.styles).styles;
  } else {
    const { openCatalog } = await import('@rd-assets/pipeline');
    styles = (await openCatalog({ cwd: io.cwd, env: io.env, ...(values.manifest ? { manifest: values.manifest } : {}) })).styles;
  }
  if (values.family) {
    const family = values.family;
    const known: string[] = [...new Set(styles.map((s) => s.family))];
    if (!known.includes(family)) throw new UnknownFamilyError(family, known, didYouMean(family, known));
    styles = styles.filter((s) => s.family === family);
  }
  if (values.json) {
    io.stdout.write(`${JSON.stringify(styles, null, 2)}\n`);
    return 0;
  }
  const s = style(io, 'stdout');
  let family = '';
  for (const st of styles) {
    if (st.family !== family) {
      family = st.family;
      io.stdout.write(`\n${s.bold(family)}\n`);
    }
    const w = widestLimits(st);
    const size = w ? describeLimits(w) : 'any size';
    const needs = [st.requiresInputImage && 'input_image', st.requiresExtraPrompt && 'extra_prompt'].filter(Boolean).join(', ');
    const batch = w ? `batch ≤ ${w.maxImages}` : '';
    const extra = [size, batch, needs && `needs ${needs}`, st.maxReferenceImages ? `refs ≤ ${st.maxReferenceImages}` : '', st.aliases.length ? `alias ${st.aliases.join(', ')}` : '']
      .filter(Boolean)
      .join(' · ');
    io.stdout.write(`  ${st.id.padEnd(38)} ${s.dim(extra)}\n    ${st.description} ${s.dim(`[${st.sources.join(', ')}]`)}\n`);
  }
  return 0;
}
