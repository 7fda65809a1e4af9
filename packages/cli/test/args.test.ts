import { describe, expect, it } from 'vitest';
import { intOption, MAX_PORT, parse } from '../src/args.js';

describe('intOption', () => {
  it('names a flag as --name and a positional as <name> when the value is not a whole number', () => {
    expect(() => intOption('build', 'concurrency', 'x')).toThrow('--concurrency must be an integer ≥ 1; got "x"');
    expect(() => intOption('pick', '<n>', 'abc', 0)).toThrow('<n> must be an integer ≥ 0; got "abc"');
    expect(intOption('pick', '<n>', '2', 0)).toBe(2);
  });

  it('reads decimal digits only: what Number() would also read (1e9, 0x10, a space) is refused', () => {
    for (const typed of ['1e9', '0x10', ' 1', '1 ', '+2', '2.0', '']) {
      expect(() => intOption('build', 'concurrency', typed), typed).toThrow(`--concurrency must be an integer ≥ 1; got "${typed}"`);
    }
    expect(intOption('build', 'concurrency', '007')).toBe(7);
  });

  it('refuses a number past its maximum, naming it', () => {
    expect(() => intOption('emulator', 'port', '70000', 0, MAX_PORT)).toThrow('--port must be an integer from 0 to 65535; got "70000"');
    expect(() => intOption('build', 'concurrency', '99999999999999999999', 1, 64)).toThrow('--concurrency must be an integer from 1 to 64');
    expect(intOption('emulator', 'port', '65535', 0, MAX_PORT)).toBe(65535);
  });
});

describe('parse', () => {
  const options = { concurrency: { type: 'string', short: 'c' }, offline: { type: 'boolean' }, cache: { type: 'string' } } as const;

  it('takes a negative number as the value of the option before it, so the option\'s own range check answers', () => {
    expect(parse('build', ['--concurrency', '-1', '--offline'], options).values).toMatchObject({ concurrency: '-1', offline: true });
    expect(parse('build', ['-c', '-5'], options).values).toMatchObject({ concurrency: '-5' });
    expect(() => intOption('build', 'concurrency', parse('build', ['--concurrency', '-1'], options).values.concurrency, 1, 64)).toThrow('--concurrency must be an integer from 1 to 64; got "-1"');
  });

  it('a negative number where a positional goes is said to be one, not an unknown option', () => {
    expect(() => parse('pick', ['hero', '-1'], options)).toThrow('"-1" is not an option, and the numbers this command takes are whole and ≥ 0');
  });

  it('still reports a forgotten value before another flag', () => {
    expect(() => parse('build', ['--cache', '--offline'], options)).toThrow(/argument is ambiguous/);
  });
});
