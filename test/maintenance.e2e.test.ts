import { afterEach, describe, expect, it } from 'vitest';
import { cliEnv, runCli } from './helpers/cli.js';
import { TempProject } from './helpers/temp-project.js';

let project: TempProject | undefined;
afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

interface Lock {
  assets: Record<string, { files: Record<string, string> }>;
  atlases: Record<string, { files: Record<string, string> }>;
}
const run = (p: TempProject, ...args: string[]) => runCli(args, { cwd: p.dir, env: cliEnv() });
const object = (sha: string) => `.rd-assets/objects/${sha.slice(0, 2)}/${sha}`;

describe('assets clean and assets gc', () => {
  it('clean removes every output the lock records, group atlases included; gc keeps what the lock needs', async () => {
    project = await TempProject.fromExample();
    expect((await run(project, 'build', '--offline')).code).toBe(0);
    const lock = JSON.parse(await project.text('assets.lock')) as Lock;
    const recorded = [...Object.values(lock.assets), ...Object.values(lock.atlases)].flatMap((e) => Object.entries(e.files));
    expect(recorded.map(([p]) => p)).toContain('items.png');

    const cleaned = await run(project, 'clean');
    expect(cleaned.code, cleaned.stderr).toBe(0);
    for (const [path] of recorded) expect(await project.exists(`out/${path}`), path).toBe(false);

    const gc = await run(project, 'gc');
    expect(gc.code, gc.stderr).toBe(0);
    for (const [path, sha] of recorded) expect(await project.exists(object(sha)), `${path} was collected`).toBe(true);

    const rebuilt = await run(project, 'build', '--offline', '--frozen', '--json');
    expect(rebuilt.code, rebuilt.stderr).toBe(0);
    expect((JSON.parse(rebuilt.stdout) as { calls: number }).calls).toBe(0);
    for (const [path] of recorded) expect(await project.exists(`out/${path}`), path).toBe(true);
  });
});
