// Build step of the `assets` command's entry: `dist/main.js` and the build command's first part
// (its no-op check, `@rd-assets/pipeline/up-to-date` and the core modules it uses) as one file,
// `dist/assets-entry.js`, which `bin/assets.js` loads. Node loads ES modules one by one (resolve,
// read, compile each); the thirty of a no-op build cost more than the rest of its module loading.
// Every other import stays dynamic and loads from dist/ as before, so the full build, the other
// commands and `--help` load what they did. The modules bundled keep no state of their own, so a
// second copy of one (the full build loads the pipeline's own) changes nothing.
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
/**
 * The dynamic imports inlined: the build command, whose no-op answer is the path being shortened,
 * and the terminal, which it imports anyway (one copy, not a second module for `processIo`).
 */
const INLINED = new Set([resolve(dist, 'commands/build.js'), resolve(dist, 'terminal.js')]);

await build({
  entryPoints: [resolve(dist, 'main.js')],
  outfile: resolve(dist, 'assets-entry.js'),
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Readable in a stack trace, like the modules it joins.
  minify: false,
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [
    {
      name: 'what-joins-the-bundle',
      setup(b) {
        b.onResolve({ filter: /.*/ }, (args) => {
          const inPackage = args.path.startsWith('.') || args.path.startsWith('/');
          // Of the static imports, only our own modules by subpath join the bundle (and Node's
          // built-ins stay built-ins): a package's root (ours loads the manifest parser) or another
          // package's code stays an import of the installed package.
          if (args.kind !== 'dynamic-import') {
            const joins = inPackage || args.path.startsWith('node:') || /^@rd-assets\/[^/]+\/./.test(args.path);
            return joins ? undefined : { path: args.path, external: true };
          }
          if (!inPackage) return { path: args.path, external: true };
          const target = resolve(args.resolveDir, args.path);
          if (INLINED.has(target)) return undefined;
          // Relative to the bundle, which sits in dist/ beside main.js.
          return { path: `./${relative(dirname(resolve(dist, 'main.js')), target)}`, external: true };
        });
      },
    },
  ],
});
