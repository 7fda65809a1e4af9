import { animationLayout } from '@rd-assets/core';

/** An animated asset of the engine fixtures, by the style catalog's rules for its style. */
export interface SheetAnimation {
  id: string;
  style: string;
  size: number;
  framesDuration?: number;
  /** Ask the API for its spritesheet PNG instead of a GIF (post-processing slices it). */
  spritesheet?: boolean;
}

/**
 * Styles with different frame layouts: four directions × 4 (walking), one tag of
 * `frames_duration` frames at 80 ms (VFX, from the API's sheet), four actions (battle), and eight
 * one-frame views (rotation).
 */
export const SHEET_ANIMATIONS: SheetAnimation[] = [
  { id: 'knight', style: 'rd_animation__four_angle_walking', size: 48 },
  { id: 'spark', style: 'rd_animation__vfx', size: 48, framesDuration: 6, spritesheet: true },
  { id: 'brawler', style: 'rd_animation__battle_sprites', size: 64 },
  { id: 'statue', style: 'rd_animation__8_dir_rotation', size: 80 },
];

/** Each tag with its frame count and delay, as the style's layout says: what an engine must show. */
export function expectedTags(a: SheetAnimation): Array<{ name: string; frames: number; durationMs: number }> {
  const layout = animationLayout(a.style, a.framesDuration);
  if (!layout) throw new Error(`${a.style} is not an animation style`);
  return layout.tags.map((t) => ({ name: t.name, frames: t.frames, durationMs: layout.frameDurationMs }));
}

/** A manifest of `SHEET_ANIMATIONS`, each with a `sheet` step, plus `rootLines` (e.g. `types: …`). */
export function sheetManifest(rootLines: string[] = [], sheet = 'true'): string {
  const lines = ['version: 1', ...rootLines, 'assets:'];
  for (const a of SHEET_ANIMATIONS) {
    lines.push(`  ${a.id}:`, `    prompt: a ${a.id}`, `    style: ${a.style}`, `    size: ${a.size}`);
    if (a.framesDuration !== undefined) lines.push(`    frames_duration: ${a.framesDuration}`);
    if (a.spritesheet) lines.push('    return_spritesheet: true');
    lines.push(`    post: [sheet: ${sheet}]`);
  }
  return `${lines.join('\n')}\n`;
}
