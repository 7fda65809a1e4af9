import { build, curationSpending, DEFAULT_PREVIEW_PORT, startPreviewServer } from '@rd-assets/pipeline';
import { providerFromEnv } from '../provider-from-env.js';
import { intOption, MAX_PORT, parse } from '../args.js';
import { style, type Io } from '../terminal.js';

export const help = `Usage: assets preview [options]

Serve a gallery of the built assets on 127.0.0.1: every asset as a picture at integer zoom with
crisp pixels, its prompt, style, seed, size, cost and status, animations playing per direction,
tilesets as a grid, palettes as swatches. The page follows builds live (no reload): run
\`assets build\` in another terminal, or use \`assets watch --preview\` to rebuild on every save.
The page reads out/assets.json, assets.lock and the outputs. Each generated asset shows its
candidates (\`count\`) and its history, with buttons to pick, reroll (its price shown first) and
revert: they write the manifest as \`assets pick|reroll|revert\` do and build that asset.

Options:
  -m, --manifest <file>    manifest (default: assets.yaml)
      --port <n>           port on 127.0.0.1 (default: ${DEFAULT_PREVIEW_PORT}, or a free one if taken; 0: any free one)
      --offline            builds after a button use the built-in emulator: no key, no network
  -h, --help               show this help

\`assets build --report <file>\` writes the same page as one static HTML file (for CI artifacts).
Stops on Ctrl-C. Exit codes: 0 stopped, 2 bad usage.
`;

export async function run(argv: string[], io: Io): Promise<number> {
  const { values } = parse('preview', argv, { manifest: { type: 'string', short: 'm' }, port: { type: 'string' }, offline: { type: 'boolean' } }, false);
  if (values.help) {
    io.stdout.write(help);
    return 0;
  }
  const port = intOption('preview', 'port', values.port, 0, MAX_PORT);
  const project = { cwd: io.cwd, env: io.env, ...(values.manifest ? { manifest: values.manifest } : {}) };
  const provider = providerFromEnv({ offline: values.offline === true, env: io.env });
  const server = await startPreviewServer({
    ...project,
    follow: true,
    // A button's write is followed by a build of that asset, which spends as its command would.
    actions: { afterWrite: async (id, action) => void (await build({ ...project, provider, targets: [id], ...curationSpending(action) })) },
    ...(port === undefined ? {} : { port }),
  });
  const s = style(io);
  const built = server.model.assets.filter((a) => a.images.length).length;
  io.stderr.write(`${s.bold('preview')} ${server.url}  ${s.dim(`${built} of ${server.model.assets.length} assets built; follows new builds; Ctrl-C to stop`)}\n`);
  for (const p of server.model.problems) io.stderr.write(`${s.red(p)}\n`);
  await new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  await server.close();
  return 0;
}
