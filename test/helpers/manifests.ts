/** A manifest of `n` small rd_fast assets named `<prefix>-0` … (cheap for the emulator to draw). */
export function smallManifest(n: number, options: { prefix?: string; concurrency?: number; extra?: string[] } = {}): string {
  const prefix = options.prefix ?? 'item';
  const values = Array.from({ length: n }, (_, i) => String(i)).join(', ');
  return [
    'version: 1',
    `concurrency: ${options.concurrency ?? 4}`,
    'defaults: { style: rd_fast__low_res, size: 16 }',
    'assets:',
    `  "${prefix}-\${each}":`,
    `    each: [${values}]`,
    `    prompt: a small thing number \${each}`,
    ...(options.extra ?? []),
  ].join('\n');
}
