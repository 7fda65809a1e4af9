import type { Rgba } from './raster.js';
import { SeededRandom } from './seeded-random.js';

/** What the emulator understands of a prompt: a main colour, an accent, and what kind of subject. */
export interface PromptReading {
  color: Rgba;
  accent: Rgba;
  subject: Subject;
  material: Material;
}

export type Subject = 'character' | 'creature' | 'blade' | 'potion' | 'round-item' | 'building' | 'tree' | 'effect' | 'thing';
export type Material = 'bricks' | 'planks' | 'stones' | 'grass' | 'water' | 'sand' | 'lava' | 'noise';

const COLORS: Array<[RegExp, Rgba]> = [
  [/\b(red|crimson|ruby|blood)\b/, [200, 40, 48, 255]],
  [/\b(orange|fire|flame|fireball|ember|lava|explosion)\b/, [236, 120, 32, 255]],
  [/\b(gold|golden|yellow|sun|coin|lightning)\b/, [240, 196, 48, 255]],
  [/\b(green|emerald|grass|moss|leaf|leaves|forest|slime|poison)\b/, [72, 168, 64, 255]],
  [/\b(teal|cyan|ice|frost|crystal|diamond)\b/, [64, 200, 220, 255]],
  [/\b(blue|sapphire|water|ocean|sea|sky|mana)\b/, [56, 96, 208, 255]],
  [/\b(purple|violet|amethyst|magic|arcane|void)\b/, [136, 72, 196, 255]],
  [/\b(pink|rose)\b/, [232, 112, 168, 255]],
  [/\b(brown|wood|wooden|oak|dirt|mud|leather|bread|corgi|dog)\b/, [150, 96, 52, 255]],
  [/\b(iron|steel|silver|metal|knight|armor|armour|robot|sword)\b/, [168, 176, 190, 255]],
  [/\b(grey|gray|stone|rock|rocks|castle|cobble|brick|bricks|gravel)\b/, [128, 124, 120, 255]],
  [/\b(white|snow|bone|skeleton|ghost|cloud)\b/, [228, 228, 236, 255]],
  [/\b(black|shadow|dark|night|raven|obsidian)\b/, [52, 48, 64, 255]],
  [/\b(sand|desert|beige)\b/, [216, 188, 120, 255]],
];

const SUBJECTS: Array<[RegExp, Subject]> = [
  [/\b(explosion|fireball|fire|spell|lightning|magic|sparkle|smoke|vfx|burst|aura)\b/, 'effect'],
  [/\b(sword|dagger|blade|spear|axe|staff|wand|bow|key)\b/, 'blade'],
  [/\b(potion|bottle|flask|vial|jar)\b/, 'potion'],
  [/\b(shield|coin|gem|orb|ring|apple|ball|egg|hat|helmet)\b/, 'round-item'],
  [/\b(castle|house|tower|tavern|building|temple|church|shop|hut)\b/, 'building'],
  [/\b(tree|oak|pine|bush|plant|flower)\b/, 'tree'],
  [/\b(dragon|slime|bat|wolf|raven|bird|cat|dog|corgi|monster|beast|spider|fish|horse)\b/, 'creature'],
  [/\b(knight|hero|wizard|mage|warrior|man|woman|girl|boy|person|character|robot|king|queen|elf|orc|goblin|skeleton|villager|ninja|archer|player)\b/, 'character'],
];

const MATERIALS: Array<[RegExp, Material]> = [
  [/\b(brick|bricks|wall)\b/, 'bricks'],
  [/\b(plank|planks|wood|wooden|floor|boards)\b/, 'planks'],
  [/\b(stone|stones|rock|rocks|cobble|cobblestone|gravel|dungeon)\b/, 'stones'],
  [/\b(grass|moss|meadow|lawn|leaves)\b/, 'grass'],
  [/\b(water|ocean|sea|river|lake)\b/, 'water'],
  [/\b(sand|desert|dirt|path|mud)\b/, 'sand'],
  [/\b(lava|magma)\b/, 'lava'],
];

export function readPrompt(prompt: string): PromptReading {
  const text = prompt.toLowerCase();
  const random = new SeededRandom('prompt', text);
  const found = COLORS.filter(([re]) => re.test(text)).map(([, c]) => c);
  const fallback: Rgba = [random.int(40, 220), random.int(40, 220), random.int(40, 220), 255];
  const color = found[0] ?? fallback;
  const accent = found[1] ?? ([255 - color[0] * 0.6, 255 - color[1] * 0.6, 255 - color[2] * 0.6, 255].map(Math.round) as unknown as Rgba);
  return {
    color,
    accent,
    subject: SUBJECTS.find(([re]) => re.test(text))?.[1] ?? 'thing',
    material: MATERIALS.find(([re]) => re.test(text))?.[1] ?? 'noise',
  };
}
