import { describe, expect, it } from 'vitest';
import { intOption, parse } from '../src/args.js';

describe('intOption', () => {
  it('names a flag as --name and a positional as <name> when the value is not a whole number', () => {
    expect(() => intOption('build', 'concurrency', 'x')).toThrow('--concurrency must be an integer ≥ 1; got "x"');
    expect(() => intOption('pick', '<n>', 'abc', 0)).toThrow('<n> must be an integer ≥ 0; got "abc"');
    expect(intOption('pick', '<n>', '2', 0)).toBe(2);
  });
});

describe('parse', () => {
  const options = { concurrency: { type: 'string', short: 'c' }, offline: { type: 'boolean' }, cache: { type: 'string' } } as const;

  it('takes a negative number as the value of the option before it, so the option\'s own range check answers', () => {
    expect(parse('build', ['--concurrency', '-1', '--offline'], options).values).toMatchObject({ concurrency: '-1', offline: true });
    expect(parse('build', ['-c', '-5'], options).values).toMatchObject({ concurrency: '-5' });
    expect(() => intOption('build', 'concurrency', parse('build', ['--concurrency', '-1'], options).values.concurrency, 1, 64)).toThrow('--concurrency must be an integer from 1 to 64; got "-1"');
  });

  it('still reports a forgotten value before another flag', () => {
    expect(() => parse('build', ['--cache', '--offline'], options)).toThrow(/argument is ambiguous/);
  });
});
