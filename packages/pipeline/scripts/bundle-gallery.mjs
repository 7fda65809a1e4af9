// Build step of the gallery's browser script: type-check it against the DOM (its own tsconfig),
// then bundle it, with the core code it imports, into one file preview/page.ts inlines in the page.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const tsc = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin/tsc');
execFileSync(process.execPath, [tsc, '-p', 'src/preview/client/tsconfig.json'], { cwd: root, stdio: 'inherit' });

await build({
  absWorkingDir: root,
  entryPoints: ['src/preview/client/gallery.ts'],
  outfile: 'dist/preview/gallery.js',
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: 'es2022',
  // Readable in the page's source, like the hand-written script it replaces; it is a few kB.
  minify: false,
  legalComments: 'none',
  logLevel: 'warning',
});
