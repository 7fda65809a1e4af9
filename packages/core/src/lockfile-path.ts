/** `assets.yaml` → `assets.lock`; other names get `.lock` in place of `.yaml`/`.yml`, or appended. */
export function lockfilePathFor(manifestPath: string): string {
  return /\.ya?ml$/i.test(manifestPath) ? manifestPath.replace(/\.ya?ml$/i, '.lock') : `${manifestPath}.lock`;
}
