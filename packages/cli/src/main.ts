/** Entry point of the `assets` command; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  process.stdout.write(`assets: not built yet (${argv.join(' ')})\n`);
  return 2;
}
