import { cp, mkdtemp, mkdir, readFile, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));

/** A throwaway project folder for one test (outside the repository). */
export class TempProject {
  private constructor(readonly dir: string) {}

  static async create(files: Record<string, string | Buffer> = {}): Promise<TempProject> {
    const p = new TempProject(await mkdtemp(join(tmpdir(), 'rd-assets-test-')));
    for (const [path, content] of Object.entries(files)) await p.write(path, content);
    return p;
  }

  /** A copy of the repository's example manifest and its inputs, as `assets.yaml`. */
  static async fromExample(): Promise<TempProject> {
    const p = await TempProject.create();
    await cp(join(REPO, 'example'), join(p.dir, 'example'), { recursive: true });
    await p.write('assets.yaml', await readFile(join(REPO, 'assets.yaml.example'), 'utf8'));
    return p;
  }

  path(rel: string): string {
    return join(this.dir, rel);
  }

  async write(rel: string, content: string | Buffer): Promise<void> {
    await mkdir(dirname(this.path(rel)), { recursive: true });
    await writeFile(this.path(rel), content);
  }

  async read(rel: string): Promise<Buffer> {
    return readFile(this.path(rel));
  }

  async text(rel: string): Promise<string> {
    return readFile(this.path(rel), 'utf8');
  }

  async edit(rel: string, change: (text: string) => string): Promise<void> {
    const before = await this.text(rel);
    const after = change(before);
    if (after === before) throw new Error(`edit of ${rel} changed nothing`);
    await this.write(rel, after);
  }

  /** Change a file's times without changing its bytes. */
  async touch(rel: string): Promise<void> {
    const later = new Date(Date.now() + 5000);
    await utimes(this.path(rel), later, later);
  }

  async exists(rel: string): Promise<boolean> {
    return stat(this.path(rel)).then(() => true, () => false);
  }

  /** Every file under a folder → its bytes, keyed by path relative to that folder. */
  async snapshot(rel: string): Promise<Map<string, { bytes: Buffer; mtimeMs: number }>> {
    const root = this.path(rel);
    const out = new Map<string, { bytes: Buffer; mtimeMs: number }>();
    let entries;
    try {
      entries = await readdir(root, { recursive: true, withFileTypes: true });
    } catch {
      return out;
    }
    for (const e of entries) {
      if (!e.isFile()) continue;
      const abs = join(e.parentPath, e.name);
      out.set(relative(root, abs), { bytes: await readFile(abs), mtimeMs: (await stat(abs)).mtimeMs });
    }
    return out;
  }

  async remove(rel: string): Promise<void> {
    await rm(this.path(rel), { recursive: true, force: true });
  }

  async cleanup(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}
