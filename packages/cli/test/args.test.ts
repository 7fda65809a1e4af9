import { describe, expect, it } from 'vitest';
import { intOption } from '../src/args.js';

describe('intOption', () => {
  it('names a flag as --name and a positional as <name> when the value is not a whole number', () => {
    expect(() => intOption('build', 'concurrency', 'x')).toThrow('--concurrency must be an integer ≥ 1; got "x"');
    expect(() => intOption('pick', '<n>', 'abc', 0)).toThrow('<n> must be an integer ≥ 0; got "abc"');
    expect(intOption('pick', '<n>', '2', 0)).toBe(2);
  });
});
