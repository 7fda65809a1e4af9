import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { emulatorSuite } from './helpers/emulator-suite.js';

const suite = emulatorSuite('rdpk-defaults');

interface Lock {
  assets: Record<string, { style?: string; steps: Array<{ genKey: string }> }>;
}

/** Requests written as the API allows them: no style sent where the API has a default, edits at the documented path. */
// Several CLI runs per test: generous under a second copy of the suite on 2 cores.
describe('requests as the API allows them', { timeout: 90_000 }, () => {
  it.each(['v1', 'v2'])('an asset without `style:` is sent with no prompt_style, priced as the default style, and built (%s)', async (api) => {
    const p = await suite.project({
      'assets.yaml': 'version: 1\nassets:\n  corgi:\n    prompt: a really cool corgi\n    size: 64\n  styled:\n    prompt: a really cool corgi\n    style: rd_fast__default\n    size: 64\n',
    });
    const env = suite.env({ RD_API_VERSION: api });
    const plan = await runCli(['plan', '--json'], { cwd: p.dir, env });
    expect(plan.code, plan.stderr).toBe(0);
    const items = (JSON.parse(plan.stdout) as { plan: { items: Array<{ id: string; estimate: unknown }> } }).plan.items;
    const estimate = (id: string) => items.find((i) => i.id === id)?.estimate;
    expect(estimate('corgi')).toEqual(estimate('styled'));

    const before = suite.emulator.log.length;
    const r = await runCli(['build'], { cwd: p.dir, env });
    expect(r.code, r.stderr).toBe(0);
    const sent = suite.emulator.log.slice(before).filter((e) => e.route === `POST /${api}/inferences`);
    const byStyle = (e: (typeof sent)[number]) => (e.promptStyle === undefined ? 0 : 1);
    expect(sent.sort((a, b) => byStyle(a) - byStyle(b)).map((e) => [e.promptStyle, e.styleId])).toEqual([
      [undefined, 'rd_fast__default'],
      ['rd_fast__default', 'rd_fast__default'],
    ]);
    expect(await p.exists('out/corgi.png')).toBe(true);
    const lock = JSON.parse(await p.text('assets.lock')) as Lock;
    // Different requests, different keys: naming the default style is not the same request.
    expect(lock.assets.corgi!.steps[0]!.genKey).not.toBe(lock.assets.styled!.steps[0]!.genKey);
    expect(lock.assets.corgi!.style).toBeUndefined();
  });

  it('a size the default style does not accept is a manifest error naming it, before any call', async () => {
    const p = await suite.project({ 'assets.yaml': 'version: 1\nassets:\n  corgi:\n    prompt: a corgi\n    size: 1024\n' });
    const before = suite.emulator.log.length;
    const r = await runCli(['validate'], { cwd: p.dir, env: suite.env() });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/E_SIZE_RANGE.*rd_fast__default/);
    expect(suite.emulator.log.length).toBe(before);
  });

  it('an empty `style:` is an error saying to remove it or name one', async () => {
    const p = await suite.project({ 'assets.yaml': 'version: 1\nassets:\n  corgi:\n    prompt: a corgi\n    style: ""\n    size: 64\n' });
    const r = await runCli(['validate'], { cwd: p.dir, env: suite.env() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('E_STYLE_REQUIRED');
  });

  it('with api v2 a progressive edit goes to the OpenAPI path /v2/edit/; v1 keeps /v1/edit', async () => {
    for (const api of ['v1', 'v2']) {
      const p = await suite.project({
        'assets.yaml': 'version: 1\nassets:\n  hat:\n    prompt: a knight\n    style: rd_fast__default\n    size: 64\n    edit:\n      - prompt: add a hat\n',
      });
      const before = suite.emulator.log.length;
      const r = await runCli(['build'], { cwd: p.dir, env: suite.env({ RD_API_VERSION: api }) });
      expect(r.code, r.stderr).toBe(0);
      const edits = suite.emulator.log.slice(before).filter((e) => e.route === `POST /${api}/edit`);
      expect(edits.map((e) => [e.status, e.sentPath ?? e.path])).toEqual([[200, api === 'v2' ? '/v2/edit/' : '/v1/edit']]);
    }
  });
});
