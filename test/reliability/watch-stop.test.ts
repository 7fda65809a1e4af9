import { afterEach, describe, expect, it } from 'vitest';
import { cliEnv, runCli } from '../helpers/cli.js';
import { ledgerCharges } from '../helpers/ledger-charges.js';
import { smallManifest } from '../helpers/manifests.js';
import { StandaloneEmulator } from '../helpers/standalone-emulator.js';
import { TempProject } from '../helpers/temp-project.js';
import { IDLE, WatchProcess } from '../helpers/watch-process.js';

let project: TempProject | undefined;
let watcher: WatchProcess | undefined;
afterEach(async () => {
  watcher?.kill();
  watcher = undefined;
  await project?.cleanup();
  project = undefined;
});

describe('assets watch stops like assets build', () => {
  const IMAGES = 4;
  it(`Ctrl-C while ${IMAGES} paid calls are in flight lets them be admitted: the next build pays nothing more`, async () => {
    // Answers take seconds: when Ctrl-C comes, every POST has reached the server and none has
    // been answered yet.
    const emulator = await StandaloneEmulator.start(['--latency', '2000'], { RD_EMULATOR_TASK_MS: '200' });
    try {
      project = await TempProject.create({ 'assets.yaml': smallManifest(IMAGES, { concurrency: IMAGES }) });
      const env = cliEnv({ RD_API_URL: emulator.url, RD_API_KEY: 'rdpk-watch-stop' });
      const generations = (phase: string) => emulator.requests.filter((r) => r.phase === phase && /^POST \/v[12]\/inferences$/.test(r.route));
      const w = new WatchProcess(['watch'], { cwd: project.dir, env });
      watcher = w;
      await emulator.until(() => generations('received').length >= IMAGES);
      expect(generations('answered')).toHaveLength(0);
      const stopped = await w.stop('SIGINT');
      expect(stopped.code, w.stderr).toBe(130);
      expect(w.stderr).toContain('no new calls');
      // Stopped, it does not say it is watching after the interrupted build's summary.
      expect(w.stderr.slice(w.stderr.indexOf('Interrupted:'))).not.toMatch(IDLE);
      // The stopped session waited for its calls to be admitted and journaled.
      expect(emulator.charges()).toHaveLength(IMAGES);
      const rebuilt = await runCli(['build'], { cwd: project.dir, env });
      expect(rebuilt.code, rebuilt.stderr).toBe(0);
      await emulator.until(() => generations('answered').length >= generations('received').length);
      expect(emulator.charges()).toHaveLength(IMAGES);
      expect(await ledgerCharges(project)).toBe(IMAGES);
    } finally {
      await emulator.close();
    }
  }, 60_000);

  it('a watch that collects the tasks a stopped build paid for reports none of them paid again', async () => {
    const emulator = await StandaloneEmulator.start(['--latency', '2000'], { RD_EMULATOR_TASK_MS: '200' });
    try {
      project = await TempProject.create({ 'assets.yaml': smallManifest(IMAGES, { concurrency: IMAGES }) });
      const env = cliEnv({ RD_API_URL: emulator.url, RD_API_KEY: 'rdpk-watch-collects' });
      const generations = (phase: string) => emulator.requests.filter((r) => r.phase === phase && /^POST \/v[12]\/inferences$/.test(r.route));
      const build = new WatchProcess(['build'], { cwd: project.dir, env });
      await emulator.until(() => generations('received').length >= IMAGES);
      expect((await build.stop('SIGINT')).code, build.stderr).toBe(130);
      expect(emulator.charges()).toHaveLength(IMAGES);

      const w = new WatchProcess(['watch'], { cwd: project.dir, env });
      watcher = w;
      await w.waitFor(IDLE);
      expect((await w.stop('SIGINT')).code, w.stderr).toBe(0);
      // Its summary reads the ledger: nothing spent, every task collected. The lines printed as
      // calls end, and the session's running total, must say the same.
      expect(w.stderr).toMatch(/Built: .*spent \$0 .*4 results of an earlier build collected/);
      expect(w.stderr).not.toMatch(/^paid /m);
      expect(emulator.charges()).toHaveLength(IMAGES);
    } finally {
      await emulator.close();
    }
  }, 60_000);
});
