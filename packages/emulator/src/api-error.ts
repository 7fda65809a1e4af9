/**
 * An error the emulated API answers with. v1 bodies come in the three documented shapes; v2 always
 * uses the `{"error": {code, message, request_id}}` envelope (V2_MIGRATION.md).
 */
export type V1Shape = 'object' | 'list' | 'string';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly options: { v1Shape?: V1Shape; v1Status?: number; retryAfterSeconds?: number; loc?: string[] } = {},
  ) {
    super(message);
  }

  /** v1 sometimes differs in status (insufficient balance is 400 on v1, 402 on v2). */
  statusFor(api: 'v1' | 'v2'): number {
    return api === 'v1' ? (this.options.v1Status ?? this.status) : this.status;
  }

  bodyFor(api: 'v1' | 'v2', requestId: string): unknown {
    if (api === 'v2') return { error: { code: this.code, message: this.message, request_id: requestId } };
    switch (this.options.v1Shape ?? 'object') {
      case 'list':
        return { detail: [{ ...(this.options.loc ? { loc: this.options.loc, type: this.code } : {}), msg: this.message }] };
      case 'string':
        return { detail: this.message };
      default:
        return { detail: { code: this.code, message: this.message } };
    }
  }
}

export const invalid = (message: string, code = 'invalid_request') => new ApiError(400, code, message);
export const unprocessable = (message: string, loc: string[]) => new ApiError(422, 'validation_error', message, { v1Shape: 'list', loc });
