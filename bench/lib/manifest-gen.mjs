import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * A generated project of `n` small assets (rd_fast__low_res, the cheapest thing the API draws;
 * 16×16 unless `size` says otherwise) in `dir`, so benchmarks measure the build tool, not image
 * generation.
 */
export async function generatedProject(dir, n, { concurrency = 16, size = 16 } = {}) {
  await mkdir(dir, { recursive: true });
  const lines = ['version: 1', `concurrency: ${concurrency}`, `defaults: { style: rd_fast__low_res, size: ${size} }`, 'assets:'];
  for (let i = 0; i < n; i++) lines.push(`  a${String(i).padStart(5, '0')}: { prompt: "item number ${i}" }`);
  await writeFile(join(dir, 'assets.yaml'), `${lines.join('\n')}\n`);
  return join(dir, 'assets.yaml');
}
