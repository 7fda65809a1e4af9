import { intOption, parse } from '../args.js';
import type { Io } from '../terminal.js';

export const help = `Usage: assets emulator [options]

Run the RetroDiffusion API emulator: the same routes, validation, errors, credit accounting and
response shapes as the documented API, with deterministic procedural pixel art. Point a build at
it with RD_API_URL=http://127.0.0.1:<port> and any RD_API_KEY.

Options:
  -p, --port <n>           port on 127.0.0.1 (default: 8787; 0 picks a free one)
      --balance <usd>      starting balance of every key (default: 100)
      --billing <unit>     usd (current accounts) or credits (seed-era accounts)
      --latency <ms>       added to every response
      --log                print every request as a JSON line on stdout: once when it has
                           arrived ({"phase":"received",…}) and once when it was answered,
                           with what it charged ({"phase":"answered","chargedUsd":…})
  -h, --help               show this help

Faults for reliability testing come from RD_EMULATOR_* variables (see the README).
Stops on Ctrl-C. Exit codes: 0 stopped, 2 bad usage.
`;

export async function run(argv: string[], io: Io): Promise<number> {
  const { values } = parse(
    'emulator',
    argv,
    { port: { type: 'string', short: 'p' }, balance: { type: 'string' }, billing: { type: 'string' }, latency: { type: 'string' }, log: { type: 'boolean' } },
    false,
  );
  if (values.help) {
    io.stdout.write(help);
    return 0;
  }
  const emulatorModule = '@rd-assets/emulator';
  const { startEmulator, emulatorOptionsFromEnv } = (await import(emulatorModule)) as {
    startEmulator: (o: Record<string, unknown>) => Promise<{ url: string; close(): Promise<void> }>;
    emulatorOptionsFromEnv: (env: NodeJS.ProcessEnv) => Record<string, unknown>;
  };
  const options: Record<string, unknown> = { ...emulatorOptionsFromEnv(io.env), acceptAnyKey: true };
  options.port = intOption('emulator', 'port', values.port ?? '8787', 0);
  if (values.balance) options.defaultBalanceUsd = Number(values.balance);
  if (values.billing) options.billing = values.billing;
  const latency = intOption('emulator', 'latency', values.latency, 0);
  if (latency !== undefined) options.latencyMs = latency;
  if (values.log) {
    options.onRequest = (phase: string, entry: Record<string, unknown>) => io.stdout.write(`${JSON.stringify({ phase, ...entry })}\n`);
  }
  const emulator = await startEmulator(options);
  io.stdout.write(`RetroDiffusion emulator listening on ${emulator.url}\n  export RD_API_URL=${emulator.url} RD_API_KEY=rdpk-anything\n`);
  await new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  await emulator.close();
  return 0;
}
