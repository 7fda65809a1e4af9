import { mkdir, readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { manifestPath, resolveCacheDir } from '../project/manifest-location.js';
import { assertExtraOutput, findProjectRoot } from '../project/project-paths.js';
import { writeFileAtomic } from '@rd-assets/core';
import type { AssetResult } from '../engine/build-types.js';
import type { PreviewImage } from './image.js';
import { loadPreview, type PreviewModel } from './model.js';
import { previewPage } from './page.js';
import type { ProjectOptions } from '../project/project.js';

export interface PreviewReportOptions extends ProjectOptions {
  /** The build's results: statuses, costs and errors of this run. */
  results?: readonly AssetResult[];
}

/**
 * `assets build --report <file>`: the gallery as one static, self-contained HTML file (every image
 * inlined as a data URI), for CI artifacts. Returns the absolute path written.
 */
export async function writePreviewReport(file: string, options: PreviewReportOptions = {}): Promise<string> {
  const { results, ...project } = options;
  const { model, blobs, manifest } = await loadPreview({ ...project, results: new Map((results ?? []).map((r) => [r.id, r])) });
  // Again with the manifest's own `cache:`, which the check before the build could not read.
  const path = await checkReportPath(file, options, manifest?.cache);
  const inline = async (image: PreviewImage): Promise<void> => {
    const blob = blobs.get(image.ref);
    if (!blob) return;
    // An image removed since the model was read stays a link; the report still shows the rest.
    const bytes = blob.bytes ?? (await readFile(blob.path!).catch(() => undefined));
    if (bytes) image.src = `data:${blob.type};base64,${bytes.toString('base64')}`;
  };
  for (const a of model.assets) {
    for (const image of a.images) await inline(image);
    if (a.animation) {
      // A sheet that is also a listed image is inlined once; the page finds it by its ref.
      if (!a.images.some((i) => i.ref === a.animation!.image.ref)) await inline(a.animation.image);
    }
  }
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomic(path, previewPage(model satisfies PreviewModel, { live: false }));
  return path;
}

/**
 * Where `--report <file>` writes, refused (E_REPORT_PATH) when it is outside the project or one of
 * the files a build keeps: the CLI asks before the build, so a bad path costs nothing. Returns the
 * absolute path.
 */
export async function checkReportPath(file: string, options: PreviewReportOptions = {}, manifestCache?: string): Promise<string> {
  const path = resolve(options.cwd ?? process.cwd(), file);
  const manifest = manifestPath(options);
  const root = await findProjectRoot(dirname(manifest));
  await assertExtraOutput(path, { root, manifest, cacheDir: resolveCacheDir(manifest, manifestCache, options) }, 'the report', 'E_REPORT_PATH');
  return path;
}
