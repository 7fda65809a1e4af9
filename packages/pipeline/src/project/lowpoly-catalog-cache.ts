import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { BUILT_IN_LOWPOLY_CATALOG, lowPolyCatalogFromWire, lowPolyCatalogToWire, readRegularFile, writeFileAtomic, type LowPolyCatalog } from '@rd-assets/core';

/** `<cache>/lowpoly-pricing.json`: the live Low-Poly catalog, as the last build that used the API read it. */
function lowPolyCatalogPath(cacheDir: string): string {
  return resolve(cacheDir, 'lowpoly-pricing.json');
}

/** The Low-Poly catalog model entries are checked against: the cached live one, else the built-in one. */
export async function loadLowPolyCatalog(cacheDir: string): Promise<LowPolyCatalog> {
  // As with the style catalog: a pipe or folder there is refused, a broken file ignored.
  const text = await readRegularFile(lowPolyCatalogPath(cacheDir), 'the cached Low-Poly catalog');
  if (text === undefined) return BUILT_IN_LOWPOLY_CATALOG;
  try {
    const catalog = lowPolyCatalogFromWire(JSON.parse(text) as Record<string, unknown>);
    return catalog.styles.length && catalog.sizes.length ? catalog : BUILT_IN_LOWPOLY_CATALOG;
  } catch {
    return BUILT_IN_LOWPOLY_CATALOG;
  }
}

/** Keep the live catalog for the next manifest check. */
export async function saveLowPolyCatalog(cacheDir: string, catalog: LowPolyCatalog): Promise<void> {
  const path = lowPolyCatalogPath(cacheDir);
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomic(path, `${JSON.stringify(lowPolyCatalogToWire(catalog), null, 2)}\n`);
}
