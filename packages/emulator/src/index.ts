// The emulator's public API is filled in by its implementation (see the package README section).
export {};
