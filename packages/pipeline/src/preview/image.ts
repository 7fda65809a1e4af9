/** One image the gallery shows: an output file, or frames laid out for the page. */
export interface PreviewImage {
  /** Where the gallery finds the bytes: `out/<path>` (an output file) or `strip/<id>` (frames made for the page). */
  ref: string;
  /** Changes whenever the bytes do (their sha256): a page reloads only images that changed. */
  version: string;
  width: number;
  height: number;
  /** What it is: image, sheet, tileset, pre-palette, non-bg-removed … */
  label: string;
  /** Set in a static report: the bytes as a data URI. */
  src?: string;
}
