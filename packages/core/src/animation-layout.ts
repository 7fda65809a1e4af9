/**
 * How an animation style lays out its frames: the GIF's frame order, the names engines see
 * (`walk_down_0` …) and the API's spritesheet grid. The emulator draws by it and post-processing
 * names frames by it, so the two always agree.
 *
 * The seed document shows the walking/idle and small-sprites layouts only as pictures; the
 * row order here (down, left, right, up) is the common RPG convention and is what the emulator
 * draws. The 3×3 rotation sheet follows README-v2's description.
 */
export const DIRECTIONS = ['down', 'left', 'right', 'up'] as const;

export interface AnimationTag {
  /** `walk_down`: frames are named `walk_down_0`, `walk_down_1`, … */
  name: string;
  action: string;
  direction?: string;
  frames: number;
}

export interface SheetCell {
  tag: string;
  frame: number;
  col: number;
  row: number;
}

export interface AnimationLayout {
  tags: AnimationTag[];
  /** Delay of each frame in milliseconds. */
  frameDurationMs: number;
  /** The API's `return_spritesheet` grid. */
  sheet: { columns: number; rows: number; cells: SheetCell[] };
}

const ROTATION_VIEWS: Array<[string, number, number]> = [
  ['down', 1, 0],
  ['down_right', 2, 0],
  ['right', 2, 1],
  ['up_right', 2, 2],
  ['up', 1, 2],
  ['up_left', 0, 2],
  ['left', 0, 1],
  ['down_left', 0, 0],
];

function perDirection(action: string, frames: number): AnimationTag[] {
  return DIRECTIONS.map((direction) => ({ name: `${action}_${direction}`, action, direction, frames }));
}

/** One row per tag, frames left to right. */
function rowsSheet(tags: AnimationTag[]): AnimationLayout['sheet'] {
  const cells = tags.flatMap((tag, row) =>
    Array.from({ length: tag.frames }, (_, frame) => ({ tag: tag.name, frame, col: frame, row })),
  );
  return { columns: Math.max(...tags.map((t) => t.frames)), rows: tags.length, cells };
}

/**
 * The layout of an animation style, or undefined for styles that are not animations.
 * `framesDuration` is the request's `frames_duration` (frames per action), where it applies.
 */
export function animationLayout(styleId: string, framesDuration?: number): AnimationLayout | undefined {
  const name = styleId.replace(/^(rd_)?animation__/, '').replace(/^rd_advanced_animation__/, 'advanced:');
  const n = framesDuration ?? 8;
  let tags: AnimationTag[];
  let frameDurationMs = 100;
  switch (name) {
    case 'four_angle_walking':
      tags = perDirection('walk', 4);
      break;
    case 'four_angle_walking_idle':
    case 'walking_and_idle':
      tags = [...perDirection('walk', 4), ...perDirection('idle', 4)];
      break;
    case 'small_sprites':
      tags = [
        ...perDirection('walk', 4),
        ...perDirection('arms', 4),
        { name: 'look', action: 'look', frames: 4 },
        { name: 'surprised', action: 'surprised', frames: 4 },
        { name: 'laying_down', action: 'laying_down', frames: 4 },
      ];
      break;
    case 'vfx':
      tags = [{ name: 'vfx', action: 'vfx', frames: n }];
      frameDurationMs = 80;
      break;
    case 'any_animation':
    case 'big_animation':
      tags = [{ name: 'animation', action: 'animation', frames: n }];
      break;
    case 'battle_sprites':
      tags = ['idle', 'walk', 'jump', 'attack'].map((action) => ({ name: action, action, frames: 4 }));
      break;
    case '8_dir_rotation':
    case 'advanced:rotate': {
      tags = ROTATION_VIEWS.map(([direction]) => ({ name: `view_${direction}`, action: 'view', direction, frames: 1 }));
      const cells = ROTATION_VIEWS.map(([direction, col, row]) => ({ tag: `view_${direction}`, frame: 0, col, row }));
      return { tags, frameDurationMs: 150, sheet: { columns: 3, rows: 3, cells } };
    }
    default:
      if (!name.startsWith('advanced:')) return undefined;
      tags = [{ name: name.slice('advanced:'.length), action: name.slice('advanced:'.length), frames: n }];
  }
  return { tags, frameDurationMs, sheet: rowsSheet(tags) };
}

/** Frame names in GIF order. */
export function frameNames(layout: AnimationLayout): string[] {
  return layout.tags.flatMap((tag) => Array.from({ length: tag.frames }, (_, i) => `${tag.name}_${i}`));
}
