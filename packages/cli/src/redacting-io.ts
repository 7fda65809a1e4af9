// The subpath keeps `assets --help` from loading the manifest parser.
import { secretRedactor } from '@rd-assets/core/secret-redaction';
import type { Io } from './terminal.js';

/**
 * The same Io, with the API key and the remote-cache token hidden in everything written to
 * stdout and stderr: whatever path a server's echo of a credential takes to the terminal (an
 * error message, a summary line, JSON), it is redacted on the way out.
 */
export function redactingIo(io: Io): Io {
  const redact = secretRedactor([io.env.RD_API_KEY, io.env.RD_ASSETS_REMOTE_TOKEN]);
  const wrap = <S extends Io['stdout']>(stream: S): S =>
    new Proxy(stream, {
      get(target, prop, receiver) {
        if (prop === 'write') {
          return (chunk: unknown, ...rest: unknown[]) =>
            (target.write as (...a: unknown[]) => boolean).call(target, typeof chunk === 'string' ? redact(chunk) : Buffer.isBuffer(chunk) ? redact(chunk.toString('utf8')) : chunk, ...rest);
        }
        const value = Reflect.get(target, prop, receiver) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  return { ...io, stdout: wrap(io.stdout), stderr: wrap(io.stderr) };
}
