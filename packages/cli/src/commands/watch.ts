import type { Io } from '../terminal.js';

export const help = `Usage: assets watch [options]

Not available yet.
`;

export async function run(_argv: string[], io: Io): Promise<number> {
  io.stderr.write('assets watch is not implemented yet\n');
  return 1;
}
