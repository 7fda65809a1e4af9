const EMPTY = 0;
/** Entries kept at most; past this the table starts over rather than grow without bound. */
const MAX_ENTRIES = 1 << 20;

/**
 * A hash map from a 24-bit colour (`0xRRGGBB`) to a 32-bit value, in typed arrays with open
 * addressing: no Map, no boxing, no allocation per lookup. Palette mapping probes it once per
 * pixel, so it is the hot path of every palette step.
 */
export class ColorMemo {
  private keys = new Int32Array(1 << 12);
  private values = new Uint32Array(1 << 12);
  private shift = 32 - 12;
  size = 0;

  /** The value stored for `rgb`, or -1. */
  get(rgb: number): number {
    const keys = this.keys;
    const key = rgb + 1;
    const mask = keys.length - 1;
    let slot = Math.imul(key, 0x9e3779b1) >>> this.shift;
    for (;;) {
      const k = keys[slot]!;
      if (k === key) return this.values[slot]!;
      if (k === EMPTY) return -1;
      slot = (slot + 1) & mask;
    }
  }

  set(rgb: number, value: number): void {
    if (this.size * 2 >= this.keys.length) this.grow();
    const keys = this.keys;
    const key = rgb + 1;
    const mask = keys.length - 1;
    let slot = Math.imul(key, 0x9e3779b1) >>> this.shift;
    while (keys[slot] !== EMPTY && keys[slot] !== key) slot = (slot + 1) & mask;
    if (keys[slot] === EMPTY) this.size++;
    keys[slot] = key;
    this.values[slot] = value;
  }

  private grow(): void {
    if (this.keys.length >= MAX_ENTRIES * 2) {
      // Error diffusion over a photo-like image visits millions of colours; a bounded table keeps
      // memory flat (results are the same, only recomputed).
      this.keys.fill(EMPTY);
      this.size = 0;
      return;
    }
    const oldKeys = this.keys;
    const oldValues = this.values;
    const capacity = oldKeys.length * 2;
    this.keys = new Int32Array(capacity);
    this.values = new Uint32Array(capacity);
    this.shift -= 1;
    const mask = capacity - 1;
    for (let i = 0; i < oldKeys.length; i++) {
      const key = oldKeys[i]!;
      if (key === EMPTY) continue;
      let slot = Math.imul(key, 0x9e3779b1) >>> this.shift;
      while (this.keys[slot] !== EMPTY) slot = (slot + 1) & mask;
      this.keys[slot] = key;
      this.values[slot] = oldValues[i]!;
    }
  }
}
