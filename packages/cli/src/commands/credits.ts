import { formatCost } from '@rd-assets/core';
import { balance } from '@rd-assets/pipeline';
import { parse } from '../args.js';
import type { Io } from '../terminal.js';
import { providerFromEnv } from '../provider-from-env.js';

export const help = `Usage: assets credits [options]

Show the account's balance (GET /v1/inferences/credits).

Options:
      --offline            ask the built-in emulator
      --json               print as JSON
  -h, --help               show this help

Exit codes: 0 ok, 1 the API could not be asked, 2 bad usage.
Environment: RD_API_KEY, RD_API_URL, RD_API_VERSION.
`;

export async function run(argv: string[], io: Io): Promise<number> {
  const { values } = parse('credits', argv, { offline: { type: 'boolean' }, json: { type: 'boolean' } }, false);
  if (values.help) {
    io.stdout.write(help);
    return 0;
  }
  const b = await balance({ provider: providerFromEnv({ offline: values.offline === true, env: io.env }), env: io.env });
  io.stdout.write(values.json ? `${JSON.stringify(b)}\n` : `balance: ${formatCost(b)}\n`);
  return 0;
}
