import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RdError, spliceScalars } from '../src/index.js';

const EXAMPLE = readFileSync(new URL('../../../assets.yaml.example', import.meta.url), 'utf8');

/** The lines of `after` that differ from `before`'s, as [line number, text] (both of equal length). */
function changedLines(before: string, after: string): Array<[number, string]> {
  const a = before.split('\n');
  const b = after.split('\n');
  expect(b.length).toBe(a.length);
  return b.flatMap((line, i) => (line === a[i] ? [] : [[i + 1, line] as [number, string]]));
}

describe('spliceScalars: the manifest text with only the scalars it must change', () => {
  it('replaces an existing seed and leaves every other byte, aligned comments included', () => {
    const after = spliceScalars(EXAMPLE, [{ path: ['assets', 'hero', 'seed'], value: 987654 }]);
    const line = EXAMPLE.split('\n').findIndex((l) => l.includes('seed: 1234')) + 1;
    expect(changedLines(EXAMPLE, after)).toEqual([[line, '    seed: 987654']]);
    expect(after.replace('seed: 987654', 'seed: 1234')).toBe(EXAMPLE);
  });

  it('adds a missing key as the last line of a block entry, at its indentation, after its trailing comment', () => {
    const after = spliceScalars(EXAMPLE, [{ path: ['assets', 'bricks', 'seed'], value: 42 }]);
    const before = EXAMPLE.split('\n');
    const at = before.indexOf('    tile_y: true') + 1;
    expect(after).toBe([...before.slice(0, at), '    seed: 42', ...before.slice(at)].join('\n'));
  });

  it('adds a key after an entry whose last value is a block sequence', () => {
    const text = 'assets:\n  a:   # keep\n    prompt: x\n    post:\n      - scale: 2\n  b:\n    prompt: y\n';
    expect(spliceScalars(text, [{ path: ['assets', 'a', 'seed'], value: 7 }])).toBe('assets:\n  a:   # keep\n    prompt: x\n    post:\n      - scale: 2\n    seed: 7\n  b:\n    prompt: y\n');
  });

  it('adds a key to a flow map (a group member) inside its braces', () => {
    const after = spliceScalars(EXAMPLE, [{ path: ['groups', 'items', 'assets', 'sword', 'seed'], value: 5 }]);
    expect(changedLines(EXAMPLE, after)).toEqual([[EXAMPLE.split('\n').findIndex((l) => l.includes('sword:')) + 1, '      sword: { prompt: an iron sword, seed: 5 }']]);
  });

  it('writes a string plainly when it reads back the same, quoted when it would not', () => {
    const plain = spliceScalars(EXAMPLE, [{ path: ['assets', 'hero', 'prompt'], value: 'a knight in gold' }]);
    expect(plain).toContain('    prompt: a knight in gold\n');
    const tricky = spliceScalars(EXAMPLE, [{ path: ['assets', 'hero', 'prompt'], value: 'a knight: # not a comment' }]);
    expect(tricky).toContain('    prompt: "a knight: # not a comment"\n');
    expect(tricky.replace('"a knight: # not a comment"', 'a knight in silver armor with a blue cape')).toBe(EXAMPLE);
  });

  it('replaces a block scalar (a folded or literal prompt) up to its last line: the line breaks and blank lines after it stay', () => {
    const text = 'assets:\n  multi:\n    prompt: >\n      a folded\n      prompt\n\n    count: 2\n  lit:\n    prompt: |-\n      literal\n      prompt\n    seed: 5\n  last:\n    prompt: |\n      at the end\n';
    const after = spliceScalars(text, [
      { path: ['assets', 'multi', 'prompt'], value: 'one line' },
      { path: ['assets', 'lit', 'prompt'], value: 'two\nlines' },
      { path: ['assets', 'last', 'prompt'], value: 'done\n' },
    ]);
    expect(after).toBe('assets:\n  multi:\n    prompt: one line\n\n    count: 2\n  lit:\n    prompt: "two\\nlines"\n    seed: 5\n  last:\n    prompt: "done\\n"\n');
  });

  it('writes a string in the quotes its old value had: single stay single, double stay double', () => {
    const text = 'assets:\n  a: { prompt: \'it\'\'s a knight\' }\n  b:\n    prompt: "a wizard"   # quoted by hand\n';
    const after = spliceScalars(text, [
      { path: ['assets', 'a', 'prompt'], value: "it's a dragon" },
      { path: ['assets', 'b', 'prompt'], value: 'a witch' },
    ]);
    expect(after).toBe('assets:\n  a: { prompt: \'it\'\'s a dragon\' }\n  b:\n    prompt: "a witch"    # quoted by hand\n');
  });

  it('applies several edits, each against the text the previous one made', () => {
    const after = spliceScalars(EXAMPLE, [
      { path: ['assets', 'hero', 'seed'], value: 1 },
      { path: ['assets', 'hero', 'prompt'], value: 'a knight' },
      { path: ['assets', 'fireball', 'count'], value: 2 },
    ]);
    expect(after).toContain('    seed: 1\n');
    expect(after).toContain('    prompt: a knight\n');
    expect(after).toContain('    size: 48\n    post: [sheet: true]\n    count: 2\n');
  });

  it('refuses to replace a collection, and to add to something that is not a map, with a coded error', () => {
    const refused = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e instanceof RdError ? e.code : String(e);
      }
      return 'no error';
    };
    expect(refused(() => spliceScalars(EXAMPLE, [{ path: ['assets', 'hero', 'post'], value: 1 }]))).toBe('E_MANIFEST_EDIT');
    expect(refused(() => spliceScalars(EXAMPLE, [{ path: ['assets', 'hero', 'seed', 'x'], value: 1 }]))).toBe('E_MANIFEST_EDIT');
    expect(refused(() => spliceScalars('a: [1\n', [{ path: ['a'], value: 1 }]))).toBe('E_MANIFEST_EDIT');
  });
});

describe('spliceScalars and comments on the same line', () => {
  it('keeps a trailing comment at its column when the new value is longer or shorter', () => {
    const text = 'a:\n  seed: 1        # aligned\n  size: 64       # aligned\n';
    expect(spliceScalars(text, [{ path: ['a', 'seed'], value: 123456 }])).toBe('a:\n  seed: 123456   # aligned\n  size: 64       # aligned\n');
    expect(spliceScalars(text, [{ path: ['a', 'size'], value: 8 }])).toBe('a:\n  seed: 1        # aligned\n  size: 8        # aligned\n');
    // No room left: one space before the comment.
    expect(spliceScalars(text, [{ path: ['a', 'seed'], value: 12345678901 }])).toBe('a:\n  seed: 12345678901 # aligned\n  size: 64       # aligned\n');
  });
});

describe('spliceScalars adding maps that are not there yet', () => {
  it('adds a missing map and its member as one flow value, at the entry’s indentation', () => {
    const after = spliceScalars(EXAMPLE, [{ path: ['assets', 'potion-${each}', 'instances', 'potion-red', 'seed'], value: 9 }]);
    const before = EXAMPLE.split('\n');
    const at = before.indexOf('    size: 32') + 1;
    expect(after).toBe([...before.slice(0, at), '    instances: { potion-red: { seed: 9 } }', ...before.slice(at)].join('\n'));
    // A second edit goes into the map the first one made.
    const again = spliceScalars(after, [{ path: ['assets', 'potion-${each}', 'instances', 'potion-blue', 'seed'], value: 10 }]);
    expect(again).toContain('    instances: { potion-red: { seed: 9 }, potion-blue: { seed: 10 } }\n');
  });

  it('refuses to edit an anchored entry that an alias or merge key repeats: the edit would change those entries too', () => {
    const text = 'assets:\n  a1: &base\n    prompt: a gem\n  a2:\n    <<: *base\n    seed: 5\n  a3: *base\n';
    for (const path of [['assets', 'a1', 'pick'], ['assets', 'a1', 'prompt']]) {
      expect(() => spliceScalars(text, [{ path, value: 1 }])).toThrow(/anchored as &base/);
    }
    const seed = 'assets:\n  a1:\n    seed: &s 5\n  a2:\n    seed: *s\n';
    expect(() => spliceScalars(seed, [{ path: ['assets', 'a1', 'seed'], value: 6 }])).toThrow(/anchored as &s/);
    // An entry that only uses the anchor is its own text: its keys are added to it alone.
    expect(spliceScalars(text, [{ path: ['assets', 'a2', 'seed'], value: 9 }])).toBe(text.replace('seed: 5', 'seed: 9'));
    // An anchor nothing repeats is no reason to refuse.
    expect(spliceScalars('assets:\n  a1: &base\n    prompt: a gem\n', [{ path: ['assets', 'a1', 'seed'], value: 3 }])).toBe('assets:\n  a1: &base\n    prompt: a gem\n    seed: 3\n');
  });

  it('keeps CRLF line endings on an added line', () => {
    const text = 'assets:\r\n  b:\r\n    prompt: a cow   # cmt\r\n    count: 2\r\n';
    expect(spliceScalars(text, [{ path: ['assets', 'b', 'pick'], value: 1 }])).toBe(`${text}    pick: 1\r\n`);
    const unterminated = 'assets:\r\n  b:\r\n    prompt: a cow';
    expect(spliceScalars(unterminated, [{ path: ['assets', 'b', 'pick'], value: 1 }])).toBe(`${unterminated}\r\n    pick: 1\r\n`);
  });
});
