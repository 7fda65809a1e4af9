import { formatDiagnostic, ManifestError } from '@rd-assets/core';

/** An error as the CLI prints it (`CODE  message (hint: …)`; a broken manifest as its findings), for Vite's log. */
export function errorLine(error: unknown): string {
  if (error instanceof ManifestError) return error.diagnostics.map(formatDiagnostic).join('\n');
  const e = error as { code?: string; message?: string; hint?: string };
  return `${e.code ? `${e.code}  ` : ''}${e.message ?? String(error)}${e.hint ? ` (hint: ${e.hint})` : ''}`;
}
