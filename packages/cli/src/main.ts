import { readFileSync } from 'node:fs';
import { redactingIo } from './redacting-io.js';
import { limitHeapGrowth } from './heap-growth.js';
import type { Io } from './terminal.js';

interface CommandModule {
  help: string;
  run(argv: string[], io: Io): Promise<number>;
}

/** Commands load lazily: `assets --help` must not pay for sharp, ajv or the pipeline. */
const COMMANDS: Record<string, { summary: string; load: () => Promise<CommandModule> }> = {
  build: { summary: 'generate what changed, restore the rest, write outputs and assets.lock', load: () => import('./commands/build.js') },
  plan: { summary: 'show what a build would do and cost (same as build --dry-run)', load: loadPlan },
  validate: { summary: 'check a manifest: every problem at once, nothing called or written', load: () => import('./commands/validate.js') },
  watch: { summary: 'rebuild on every change to the manifest and its inputs', load: () => import('./commands/watch.js') },
  preview: { summary: 'serve a live gallery of the built assets on 127.0.0.1', load: () => import('./commands/preview.js') },
  styles: { summary: 'list every style with its sizes and rules (--refresh reads the live catalog)', load: () => import('./commands/styles.js') },
  credits: { summary: "show the account's balance", load: () => import('./commands/credits.js') },
  init: { summary: 'write a starter assets.yaml', load: () => import('./commands/init.js') },
  pick: { summary: 'make candidate n of an asset its output (writes `pick:`; no call)', load: () => import('./commands/pick.js') },
  reroll: { summary: 'a new seed for one asset, then build it', load: () => import('./commands/reroll.js') },
  history: { summary: "list every result an asset has had, newest first", load: () => import('./commands/history.js') },
  revert: { summary: 'bring back an earlier result of an asset from the cache (no call)', load: () => import('./commands/revert.js') },
  clean: { summary: 'remove the output files rd-assets wrote', load: () => import('./commands/clean.js') },
  gc: { summary: 'remove cache entries that no lock using this cache refers to', load: () => import('./commands/gc.js') },
  emulator: { summary: 'run the local RetroDiffusion API emulator', load: () => import('./commands/emulator.js') },
};

/** `plan` is build's dry run with its own help. */
async function loadPlan(): Promise<CommandModule> {
  const [{ help }, build] = await Promise.all([import('./commands/plan.js'), import('./commands/build.js')]);
  return { help, run: (argv, io) => build.run(argv, io, { dryRun: true }) };
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return [
    'Usage: assets <command> [options]',
    '',
    'Declarative, cached pixel-art asset builds with the RetroDiffusion API.',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
    'Options:',
    '  -h, --help     show help (also `assets <command> --help`)',
    '  -v, --version  print the version',
    '',
    'Start here: `npx assets init && npx assets build --offline` (no key needed).',
    'Exit codes: 0 ok, 1 build failed, 2 bad usage or manifest, 130 interrupted.',
    '',
  ].join('\n');
}

/** Entry point of the `assets` command; returns the exit code. */
export async function main(argv: string[], io?: Io): Promise<number> {
  const out = redactingIo(io ?? (await import('./terminal.js')).processIo());
  const [first, ...rest] = argv;
  if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
    if (first === 'help' && rest[0] && COMMANDS[rest[0]]) {
      out.stdout.write((await COMMANDS[rest[0]]!.load()).help);
      return 0;
    }
    out.stdout.write(usage());
    return first === undefined ? 2 : 0;
  }
  if (first === '-v' || first === '--version') {
    out.stdout.write(`${version()}\n`);
    return 0;
  }
  const command = COMMANDS[first];
  if (!command) {
    const [{ reportError }, { UsageError, withSuggestion }] = await Promise.all([import('./error-report.js'), import('./usage-error.js')]);
    const error = new UsageError(`unknown command "${first}"`, undefined, { typo: { typed: first, known: Object.keys(COMMANDS), show: (name) => `\`assets ${name}\`` } });
    return reportError(out, await withSuggestion(error), argv);
  }
  // Before a command's work; `build` and `plan` limit the heap's growth themselves once their
  // no-op check has found work to do, so that a no-op build does not load node:v8.
  if (first !== 'build' && first !== 'plan') await limitHeapGrowth(out.env, process.execArgv);
  try {
    return await (await command.load()).run(rest, out);
  } catch (e) {
    const [{ reportError }, { withSuggestion }] = await Promise.all([import('./error-report.js'), import('./usage-error.js')]);
    return reportError(out, await withSuggestion(e), argv);
  }
}
