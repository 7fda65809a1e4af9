import { describe, expect, it } from 'vitest';
import { CURRENT, SEED, V2_ONLY } from '../packages/core/test/documented-style-names.js';
import { cliEnv, runCli } from './helpers/cli.js';
import { REPO, TempProject } from './helpers/temp-project.js';

const run = (args: string[], cwd = REPO, env = cliEnv()) => runCli(args, { cwd, env });

describe('the assets command', () => {
  it('--help lists every command and exits 0; no command prints usage and exits 2', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    for (const cmd of ['build', 'plan', 'validate', 'watch', 'preview', 'styles', 'credits', 'init', 'pick', 'reroll', 'history', 'revert', 'clean', 'gc', 'emulator']) expect(help.stdout).toContain(`  ${cmd}`);
    const bare = await run([]);
    expect(bare.code).toBe(2);
    expect(bare.stdout).toContain('Usage: assets');
  });

  // One process per command, one after another: slow on a busy machine, not a budget.
  it('every command has --help', { timeout: 120_000 }, async () => {
    for (const cmd of ['build', 'plan', 'validate', 'watch', 'preview', 'styles', 'credits', 'init', 'pick', 'reroll', 'history', 'revert', 'clean', 'gc', 'emulator']) {
      const r = await run([cmd, '--help']);
      expect(r.code, cmd).toBe(0);
      expect(r.stdout, cmd).toMatch(new RegExp(`Usage: assets ${cmd}`));
    }
  });

  it('`assets gc --help` says it never trims the ledger or the journal of paid tasks', async () => {
    const r = await run(['gc', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/ledger \(ledger\.jsonl, append-only/);
    expect(r.stdout).toMatch(/journal \(journal\/, paid tasks a stopped build left/);
  });

  it('--version prints the version', async () => {
    const r = await run(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('bad usage exits 2 with the command help named', async () => {
    const unknown = await run(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
    const flag = await run(['build', '--no-such-flag']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('assets build --help');
    const number = await run(['build', '--concurrency', 'lots']);
    expect(number.code).toBe(2);
  });

  it('`assets emulator` refuses a --billing or --balance it cannot use with E_USAGE, instead of starting', async () => {
    // Before, any string was handed to the emulator, which then served forever: the kill is only
    // what a regression looks like, not a time budget.
    for (const args of [['--billing', 'euros'], ['--balance', 'lots']]) {
      const r = await runCli(['emulator', '--port', '0', ...args], { cwd: REPO, env: cliEnv(), timeoutMs: 15_000 });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain('E_USAGE');
      expect(r.stderr).toContain(`--${args[0]!.slice(2)}`);
      expect(r.stdout).not.toContain('listening');
    }
  });

  it('`assets validate assets.yaml.example` exits 0', async () => {
    const r = await run(['validate', 'assets.yaml.example']);
    expect(r.code, r.stderr).toBe(0);
  });

  it('`assets validate` reports every error as file:line:col CODE message, exits 2, writes nothing', async () => {
    const p = await TempProject.create({
      'assets.yaml': 'version: 1\nassets:\n  a: { style: rd_plus__defualt, size: 64, prompt: x }\n  b: { style: rd_fast__default, size: 9999, prompt: y }\n',
    });
    try {
      const r = await run(['validate'], p.dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/assets\.yaml:3:15 {2}E_STYLE_UNKNOWN {2}unknown style "rd_plus__defualt" \(hint: did you mean "rd_plus__default"\?/);
      expect(r.stderr).toMatch(/assets\.yaml:4:39 {2}E_SIZE_RANGE/);
      const json = JSON.parse((await run(['validate', '--json'], p.dir)).stdout) as { valid: boolean; diagnostics: unknown[] };
      expect(json.valid).toBe(false);
      expect(json.diagnostics).toHaveLength(2);
      expect((await p.snapshot('.')).size).toBe(1);
    } finally {
      await p.cleanup();
    }
  });

  it('a missing manifest says how to start', async () => {
    const p = await TempProject.create();
    try {
      const r = await run(['build'], p.dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('E_MANIFEST_MISSING');
      expect(r.stderr).toContain('assets init');
    } finally {
      await p.cleanup();
    }
  });

  it('`assets init` writes a starter manifest that validates, and will not overwrite it', async () => {
    const p = await TempProject.create();
    try {
      expect((await run(['init'], p.dir)).code).toBe(0);
      expect((await run(['validate'], p.dir)).code).toBe(0);
      const again = await run(['init'], p.dir);
      expect(again.code).toBe(1);
      expect(again.stderr).toContain('--force');
    } finally {
      await p.cleanup();
    }
  });

  it('`assets styles --json` lists every style named in the seed document and the current reference', async () => {
    const r = await run(['styles', '--json']);
    expect(r.code).toBe(0);
    const styles = JSON.parse(r.stdout) as Array<{ id: string; aliases: string[]; sources: string[] }>;
    const names = new Set(styles.flatMap((s) => [s.id, ...s.aliases]));
    for (const name of [...SEED, ...CURRENT, ...V2_ONLY]) expect(names.has(name), name).toBe(true);
    for (const s of styles) expect(s.sources.length, s.id).toBeGreaterThan(0);
  });

  it('errors come out as JSON with --json', async () => {
    const p = await TempProject.create({ 'assets.yaml': 'version: 1\nassets:\n  a: { style: nope, size: 64, prompt: x }\n' });
    try {
      const r = await run(['build', '--json'], p.dir);
      expect(r.code).toBe(2);
      const body = JSON.parse(r.stdout) as { error: { code: string; diagnostics: Array<{ code: string }> } };
      expect(body.error.code).toBe('E_MANIFEST');
      expect(body.error.diagnostics[0]!.code).toBe('E_STYLE_UNKNOWN');
    } finally {
      await p.cleanup();
    }
  });
});
