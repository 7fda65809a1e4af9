export { startEmulator } from './emulator-server.js';
export type { Emulator, EmulatorOptions } from './emulator-server.js';
export { emulatorOptionsFromEnv } from './options-from-env.js';
export type { FaultKind, FaultOptions } from './fault-injector.js';
export type { LogEntry } from './request-log.js';
export type { Charge, Billing } from './accounts.js';
