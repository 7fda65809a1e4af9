import { afterEach, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { startEmulator } from '@rd-assets/emulator';
import { main } from '@rd-assets/cli';
import { build, type BuildEvent } from '@rd-assets/pipeline';
import { smallManifest } from './helpers/manifests.js';
import { TempProject } from './helpers/temp-project.js';

let project: TempProject | undefined;
afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

const LIMIT = 2;

/** A terminal's stderr: everything written, as the user's screen received it. */
function terminal(): { stream: Writable & { isTTY: boolean; columns: number }; text: () => string } {
  let written = '';
  const stream = Object.assign(
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        written += chunk.toString();
        done();
      },
    }),
    { isTTY: true, columns: 400 },
  );
  return { stream, text: () => written };
}

describe('the status line', () => {
  it(`never shows more calls in flight than the concurrency limit (${LIMIT})`, async () => {
    // Some answers are refused after they were paid for: failed calls must leave the line too.
    const emulator = await startEmulator({ keys: { 'rdpk-status': { balanceUsd: 100 } }, taskDurationMs: 0, seed: 5, faults: { rate: 0.2, kinds: ['not-image'], routes: /tasks/ } });
    try {
      project = await TempProject.create({ 'assets.yaml': smallManifest(12, { concurrency: LIMIT }) });
      const env = { RD_API_URL: emulator.url, RD_API_KEY: 'rdpk-status' };

      // What the line is drawn from: call-start and call-done, per asset and step.
      const inFlight = new Set<string>();
      let most = 0;
      const onEvent = (e: BuildEvent) => {
        if (e.type === 'call-start') inFlight.add(e.id);
        if (e.type === 'call-done') inFlight.delete(e.id);
        most = Math.max(most, inFlight.size);
      };
      await build({ cwd: project.dir, env, onEvent });
      expect(most).toBe(LIMIT);
      expect(inFlight.size).toBe(0);

      // What a user at a terminal sees, on a second project built by the CLI.
      await project.remove('.rd-assets');
      await project.remove('assets.lock');
      await project.remove('out');
      const screen = terminal();
      const out = terminal();
      await main(['build'], { stdout: out.stream, stderr: screen.stream, env: { ...env, TERM: 'xterm' }, cwd: project.dir });
      const lines = screen.text().split(/\r|\n/).filter((l) => l.includes(' · calling '));
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) {
        const names = line.split(' · calling ')[1]!;
        const more = /\+(\d+)$/.exec(names);
        const shown = names.replace(/ \+\d+$/, '').split(', ').length + (more ? Number(more[1]) : 0);
        expect(shown, line).toBeLessThanOrEqual(LIMIT);
      }
    } finally {
      await emulator.close();
    }
  }, 60_000);
});
