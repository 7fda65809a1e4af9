// Build step of the `assets` command: two esbuild bundles of what `tsc -b` wrote, because Node
// loads ES modules one by one (resolve, read, compile each) and a build that has work to do loads
// some 280 of ours and of the pure-JS libraries (yaml alone is 83): a tenth of a second and more
// before the first call, on every build, watch round and CI shard.
//
// 1. `dist/assets-entry.js`, which `bin/assets.js` loads: `dist/main.js` with the build command's
//    static imports (its no-op check, `@rd-assets/pipeline/up-to-date` and the core modules it
//    uses) and the terminal, so a no-op build and `--help` load one module of ours.
// 2. `dist/bundle/`: everything the entry imports later (every command, the pipeline, the API
//    client, the emulator of `--offline`), as one graph split into shared chunks, so that each of
//    our modules exists once in it. Native and worker-spawning libraries (sharp, piscina, chokidar)
//    and the rest of node_modules stay imports of the installed packages.
//
// The entry's modules are a second copy of those they share with the bundle. They keep no state,
// and the CLI reads errors by shape, not `instanceof`, so the copies agree.
import { readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const packages = fileURLToPath(new URL('../../', import.meta.url));
const BUNDLE = 'bundle';
/**
 * The dynamic imports inlined into the entry: the build command, whose no-op answer is the path
 * being shortened, and the terminal, which it imports anyway (one copy, not a second module).
 */
const INLINED = new Set([resolve(dist, 'commands/build.js'), resolve(dist, 'terminal.js')]);
/**
 * Pure-JS libraries that join the bundle. Any other package stays an import, now made from the
 * CLI's folder: the CLI lists those packages (sharp, piscina, chokidar, the glTF library) among
 * its own dependencies, at its packages' ranges, so they resolve from here wherever npm puts them.
 */
const JOINS = new Set(['yaml', 'p-limit', 'yocto-queue', 'maxrects-packer', 'fastest-levenshtein']);

const ours = (spec) => spec.startsWith('@rd-assets/');
const packageOf = (spec) => spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/');

/** Pass 2's entry points, by output name: what the entry imports but does not hold. */
const later = new Map();
/** Where the entry finds a module it leaves to the bundle (named as pass 2 will write it). */
function laterEntry(name, file) {
  // A name climbing out of dist/ would put the bundle's module, and the entry's import of it, outside dist/bundle/.
  if (name.startsWith('..')) throw new Error(`the entry imports ${file}, outside the CLI's dist/: bundle it from a module of the CLI`);
  later.set(name, file);
  return { path: `./${BUNDLE}/${name}.js`, external: true };
}

/** What both bundles are: ES modules for Node 20, readable in a stack trace like the modules they join. */
const NODE_ESM = { bundle: true, format: 'esm', platform: 'node', target: 'node20', minify: false, legalComments: 'none', logLevel: 'warning' };

await build({
  ...NODE_ESM,
  entryPoints: [resolve(dist, 'main.js')],
  outfile: resolve(dist, 'assets-entry.js'),
  plugins: [
    {
      name: 'what-joins-the-entry',
      setup(b) {
        b.onResolve({ filter: /.*/ }, async (args) => {
          const inPackage = args.path.startsWith('.') || args.path.startsWith('/');
          if (args.path.startsWith('node:') || args.pluginData?.asIs) return undefined;
          // Of the static imports, our own modules by path or by subpath join the entry.
          if (args.kind !== 'dynamic-import' && (inPackage || /^@rd-assets\/[^/]+\/./.test(args.path))) return undefined;
          if (inPackage) {
            const target = resolve(args.resolveDir, args.path);
            if (INLINED.has(target)) return undefined;
            return laterEntry(relative(dist, target).split(sep).join('/').replace(/\.js$/, ''), target);
          }
          if (ours(args.path)) {
            const found = await b.resolve(args.path, { kind: 'import-statement', resolveDir: args.resolveDir, pluginData: { asIs: true } });
            if (found.errors.length) return { errors: found.errors };
            return laterEntry(args.path.slice(1), found.path);
          }
          return { path: args.path, external: true };
        });
      },
    },
  ],
});

// Chunks are named by their content: a rebuild must not leave the last build's beside them (npm
// would pack them too). A turbo cache hit restores dist/ without deleting what is there, so
// `npm pack` runs this script again (prepack).
await rm(resolve(dist, BUNDLE), { recursive: true, force: true });
await build({
  ...NODE_ESM,
  entryPoints: Object.fromEntries(later),
  outdir: resolve(dist, BUNDLE),
  chunkNames: 'chunks/[name]-[hash]',
  splitting: true,
  // CommonJS libraries (yaml) call `require` for Node's built-ins.
  banner: { js: "import { createRequire as __rdCreateRequire } from 'node:module';\nconst require = __rdCreateRequire(import.meta.url);" },
  plugins: [
    {
      name: 'what-joins-the-bundle',
      setup(b) {
        b.onResolve({ filter: /^[^./#]/ }, (args) => {
          if (args.path.startsWith('node:') || ours(args.path) || JOINS.has(packageOf(args.path))) return undefined;
          return { path: args.path, external: true };
        });
        // A module that finds files beside itself (the schema, the post worker, the gallery's
        // script) keeps finding them in its own package: its `import.meta.url` is its file's.
        b.onLoad({ filter: /\.js$/ }, async (args) => {
          if (!args.path.startsWith(packages) || args.path.includes(`${sep}node_modules${sep}`)) return undefined;
          const text = await readFile(args.path, 'utf8');
          const other = /import\.meta\.(?!url\b)\w+/.exec(text);
          if (other) return { errors: [{ text: `${other[0]} would name the bundle's chunk, not this module: use import.meta.url, which the bundle keeps` }] };
          if (!text.includes('import.meta.url')) return undefined;
          const [pkg, ...rest] = relative(packages, args.path).split(sep);
          const name = JSON.parse(await readFile(resolve(packages, pkg, 'package.json'), 'utf8')).name;
          // Found at run time by the package's own name: fail here, not then, if it cannot be.
          createRequire(resolve(dist, 'bundle.js')).resolve(`${name}/package.json`);
          const anchor = JSON.stringify(`${name}/package.json`);
          const header = [
            "import { createRequire as __rdRequireFrom } from 'node:module';",
            "import { pathToFileURL as __rdFileUrl } from 'node:url';",
            `const __rdModuleUrl = new URL(${JSON.stringify(rest.join('/'))}, __rdFileUrl(__rdRequireFrom(import.meta.url).resolve(${anchor}))).href;`,
          ];
          return { contents: `${header.join('\n')}\n${text.replaceAll('import.meta.url', '__rdModuleUrl')}`, loader: 'js', resolveDir: dirname(args.path) };
        });
      },
    },
  ],
});
