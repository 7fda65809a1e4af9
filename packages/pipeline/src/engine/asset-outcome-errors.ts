import { RdError } from '@rd-assets/core';

/** The asset was not built because of a limit (the spending cap): its status is `skipped`. */
export class SkippedError extends RdError {}

/** The asset cannot be built until something else is (a dependency, a frozen lock): `blocked`. */
export class BlockedError extends RdError {}
