import { RdError } from '@rd-assets/core';

/** `assets styles --family` naming no family of the catalog. */
export class UnknownFamilyError extends RdError {
  constructor(family: string, known: readonly string[], guess: string | undefined) {
    super('E_UNKNOWN_FAMILY', `no style family is called "${family}"`, {
      hint: guess ? `did you mean "${guess}"?` : `families: ${known.join(', ')}`,
    });
  }
}

/**
 * `assets styles --refresh --offline`: the refreshed catalog overrides the built-in one for every
 * later validation of the project, and the emulator's copy is not the live service's, so writing
 * it would quietly replace what the project checks against. Refused; nothing is written.
 */
export class OfflineRefreshError extends RdError {
  constructor() {
    super('E_OFFLINE_REFRESH', "--refresh --offline would replace this project's style catalog with the emulator's copy; nothing was written", {
      hint: 'run `assets styles --refresh` with RD_API_KEY set to read the live catalog; `assets styles` alone shows the built-in catalog the emulator serves',
    });
  }
}
