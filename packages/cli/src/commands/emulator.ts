import type { Billing, EmulatorOptions } from '@rd-assets/emulator';
import { intOption, MAX_PORT, MAX_TIMER_MS, numberOption, parse } from '../args.js';
import { UsageError } from '../usage-error.js';
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
  // Loaded here, not at the top: `assets emulator --help` does not pay for sharp.
  const { emulatorOptionsFromEnv, startEmulator } = await import('@rd-assets/emulator');
  const options: EmulatorOptions = { ...emulatorOptionsFromEnv(io.env), acceptAnyKey: true };
  options.port = intOption('emulator', 'port', values.port ?? '8787', 0, MAX_PORT);
  const balance = numberOption('emulator', 'balance', values.balance);
  if (balance !== undefined) options.defaultBalanceUsd = balance;
  if (values.billing !== undefined) options.billing = billingOption(values.billing);
  const latency = intOption('emulator', 'latency', values.latency, 0, MAX_TIMER_MS);
  if (latency !== undefined) options.latencyMs = latency;
  if (values.log) {
    options.onRequest = (phase, entry) => {
      io.stdout.write(`${JSON.stringify({ phase, ...entry })}\n`);
    };
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

function billingOption(value: string): Billing {
  if (value === 'usd' || value === 'credits') return value;
  throw new UsageError(`--billing is usd or credits; got "${value}"`, 'emulator');
}
