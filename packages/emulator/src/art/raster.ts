/** An RGBA pixel buffer the emulator draws into; [r, g, b, a] with 0–255 channels. */
export type Rgba = readonly [number, number, number, number];

export const TRANSPARENT: Rgba = [0, 0, 0, 0];

export class Raster {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;

  constructor(width: number, height: number, data?: Uint8Array) {
    this.width = width;
    this.height = height;
    this.data = data ?? new Uint8Array(width * height * 4);
  }

  get(x: number, y: number): Rgba {
    const i = (y * this.width + x) * 4;
    const d = this.data;
    return [d[i]!, d[i + 1]!, d[i + 2]!, d[i + 3]!];
  }

  set(x: number, y: number, c: Rgba): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    // By channel: TypedArray#set from an array is a generic copy, and this runs per pixel.
    const i = (y * this.width + x) * 4;
    const d = this.data;
    d[i] = c[0];
    d[i + 1] = c[1];
    d[i + 2] = c[2];
    d[i + 3] = c[3];
  }

  alpha(x: number, y: number): number {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return 0;
    return this.data[(y * this.width + x) * 4 + 3]!;
  }

  fill(c: Rgba): this {
    const d = this.data;
    for (let i = 0; i < d.length; i += 4) {
      d[i] = c[0];
      d[i + 1] = c[1];
      d[i + 2] = c[2];
      d[i + 3] = c[3];
    }
    return this;
  }

  fillRect(x0: number, y0: number, w: number, h: number, c: Rgba): void {
    for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) this.set(x, y, c);
  }

  /** Draw `src` at (dx, dy); fully transparent source pixels leave the destination as it is. */
  draw(src: Raster, dx: number, dy: number): void {
    const s = src.data;
    const d = this.data;
    for (let y = 0; y < src.height; y++) {
      const ty = dy + y;
      if (ty < 0 || ty >= this.height) continue;
      for (let x = 0; x < src.width; x++) {
        const tx = dx + x;
        const i = (y * src.width + x) * 4;
        if (s[i + 3]! === 0 || tx < 0 || tx >= this.width) continue;
        const o = (ty * this.width + tx) * 4;
        d[o] = s[i]!;
        d[o + 1] = s[i + 1]!;
        d[o + 2] = s[i + 2]!;
        d[o + 3] = s[i + 3]!;
      }
    }
  }

  clone(): Raster {
    return new Raster(this.width, this.height, new Uint8Array(this.data));
  }

  map(fn: (c: Rgba, x: number, y: number) => Rgba): Raster {
    const out = new Raster(this.width, this.height);
    for (let y = 0; y < this.height; y++) for (let x = 0; x < this.width; x++) out.set(x, y, fn(this.get(x, y), x, y));
    return out;
  }

  /** Nearest-neighbour resize: pixel art stays crisp. */
  resize(width: number, height: number): Raster {
    if (width === this.width && height === this.height) return this.clone();
    const out = new Raster(width, height);
    const s = this.data;
    const d = out.data;
    for (let y = 0; y < height; y++) {
      const sy = Math.min(this.height - 1, Math.floor((y * this.height) / height));
      for (let x = 0; x < width; x++) {
        const i = (sy * this.width + Math.min(this.width - 1, Math.floor((x * this.width) / width))) * 4;
        const o = (y * width + x) * 4;
        d[o] = s[i]!;
        d[o + 1] = s[i + 1]!;
        d[o + 2] = s[i + 2]!;
        d[o + 3] = s[i + 3]!;
      }
    }
    return out;
  }

  flipX(): Raster {
    return this.map((_, x, y) => this.get(this.width - 1 - x, y));
  }

  isOpaque(): boolean {
    for (let i = 3; i < this.data.length; i += 4) if (this.data[i] !== 255) return false;
    return true;
  }

  /** Distinct opaque colours, in first-seen order, at most `limit`. */
  colors(limit = 256): Rgba[] {
    const seen = new Map<number, Rgba>();
    for (let i = 0; i < this.data.length && seen.size < limit; i += 4) {
      if (this.data[i + 3]! < 128) continue;
      const k = (this.data[i]! << 16) | (this.data[i + 1]! << 8) | this.data[i + 2]!;
      if (!seen.has(k)) seen.set(k, [this.data[i]!, this.data[i + 1]!, this.data[i + 2]!, 255]);
    }
    return [...seen.values()];
  }

  averageColor(): Rgba {
    let r = 0, g = 0, b = 0, n = 0;
    for (let i = 0; i < this.data.length; i += 4) {
      if (this.data[i + 3]! < 128) continue;
      r += this.data[i]!;
      g += this.data[i + 1]!;
      b += this.data[i + 2]!;
      n++;
    }
    return n ? [Math.round(r / n), Math.round(g / n), Math.round(b / n), 255] : [128, 128, 128, 255];
  }
}
