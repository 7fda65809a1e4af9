import { animationLayout } from './animation-layout.js';
import type { Diagnostic } from './errors.js';
import type { AssetEntry, GroupDecl, Manifest } from './manifest-types.js';

/**
 * The smallest size one of an asset's atlas frames can have (a still image, or one frame of an
 * animation), read from the manifest alone, or undefined when only the finished image can tell
 * (trim, auto downscale, edit tools, an input file). Every style answers at least the requested
 * size (tilesets and upscales are larger; a `sheet` is cut back into its frames for the atlas),
 * so this is a lower bound: an atlas it does not fit in cannot fit the real frame either.
 */
function declaredMinimumSize(asset: AssetEntry): { width: number; height: number } | undefined {
  if (asset.source.kind !== 'generate') return undefined;
  const { request } = asset.source;
  const factor = request.upscale_output_factor ?? 1;
  let width = request.width * factor;
  let height = request.height * factor;
  for (const step of asset.edit) {
    if (step.kind === 'edit') continue;
    if (step.kind === 'pixel_fixer' && step.width !== undefined && step.height !== undefined) {
      [width, height] = [step.width, step.height];
      continue;
    }
    return undefined;
  }
  for (const step of asset.post) {
    switch (step.op) {
      case 'palette':
      case 'preview':
      case 'sheet':
      case 'frames':
        break;
      case 'scale':
        [width, height] = [width * step.factor, height * step.factor];
        break;
      case 'pad':
        [width, height] = [width + 2 * step.pixels, height + 2 * step.pixels];
        break;
      default:
        return undefined;
    }
  }
  return { width, height };
}

/**
 * Atlas groups that cannot fit, found from declared sizes before anything is paid for: a member
 * larger than `max_size` (with extrusion), or an animation whose frames of one tag, which share a
 * page, cover more than a page. Members that together need more than one page are packed on
 * several (a multiatlas). Packing itself (padding, shapes) can still fail later; that failure
 * keeps every member's work.
 */
export function atlasFitFindings(manifest: Manifest): Diagnostic[] {
  const findings: Diagnostic[] = [];
  const byId = new Map(manifest.assets.map((a) => [a.id, a]));
  for (const group of manifest.groups) findings.push(...groupFindings(group, byId));
  return findings;
}

function groupFindings(group: GroupDecl, byId: Map<string, AssetEntry>): Diagnostic[] {
  if (!group.atlas) return [];
  const { maxSize, extrude } = group.atlas;
  const hint = "raise the group's `atlas: { max_size }`, make the member smaller, or move it out of the group";
  const findings: Diagnostic[] = [];
  for (const id of group.assets) {
    const asset = byId.get(id);
    const size = asset && declaredMinimumSize(asset);
    if (!asset || !size) continue;
    const [w, h] = [size.width + 2 * extrude, size.height + 2 * extrude];
    if (w > maxSize || h > maxSize) {
      findings.push({
        severity: 'error',
        code: 'E_ATLAS_TOO_SMALL',
        message: `"${id}" is ${size.width}×${size.height}${extrude ? ` (${w}×${h} with extrusion)` : ''}, larger than the atlas max_size ${maxSize} of group "${group.name}"`,
        hint,
        location: asset.fieldLocations.size ?? asset.fieldLocations.width ?? asset.location,
        assetId: id,
      });
      continue;
    }
    const source = asset.source.kind === 'generate' ? asset.source : undefined;
    const layout = source?.style.output === 'animation' ? animationLayout(source.style.id, source.request.frames_duration) : undefined;
    const longest = layout?.tags.reduce((a, t) => (t.frames > a.frames ? t : a));
    if (longest && longest.frames * w * h > maxSize * maxSize) {
      findings.push({
        severity: 'error',
        code: 'E_ATLAS_TOO_SMALL',
        message: `the ${longest.frames} frames of "${id}" ${longest.name} (${size.width}×${size.height} each) cover at least ${longest.frames * w * h} px², more than one ${maxSize}×${maxSize} page of group "${group.name}" holds; an animation's frames share a page`,
        hint,
        location: asset.fieldLocations.size ?? asset.fieldLocations.style ?? asset.location,
        assetId: id,
      });
    }
  }
  return findings;
}
