import type { Io } from '../terminal.js';

export const help = `Usage: assets preview [options]

Not available yet.
`;

export async function run(_argv: string[], io: Io): Promise<number> {
  io.stderr.write('assets preview is not implemented yet\n');
  return 1;
}
