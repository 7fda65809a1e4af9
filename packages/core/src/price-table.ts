/** How a style or request is priced (USD; `credits` where the seed document gives a credit price). */
export type PriceRule =
  | { kind: 'area'; minimum: number; offset: number; divisor: number }
  | { kind: 'per-image'; usd: number }
  | { kind: 'per-request'; usd: number; credits?: number };

/**
 * Every price rd-assets knows, in one table: the published formulas and rates (README "Pricing",
 * the v2 API reference) by name. The style and edit-tool catalogs, the estimates, the client's
 * cost of a call and the emulator's charges all read them here.
 */
export const PRICES = {
  /** rd_fast styles: by area, $0.015 at the least. */
  fastArea: { kind: 'area', minimum: 0.015, offset: 100000, divisor: 6000000 },
  /** rd_plus styles: by area, $0.025 at the least. */
  plusArea: { kind: 'area', minimum: 0.025, offset: 50000, divisor: 2000000 },
  /** Low-resolution styles: by area, $0.02 at the least. */
  lowResArea: { kind: 'area', minimum: 0.02, offset: 13700, divisor: 600000 },
  /** rd_pro styles and image_edit-class tools: per image. */
  proImage: { kind: 'per-image', usd: 0.18 },
  /** Animations: per image. */
  animation: { kind: 'per-image', usd: 0.07 },
  /**
   * One `/v1/edit` request. The seed prices an edit at 5 credits; the current service bills its
   * successor, image_edit, $0.18. Its response carries no cost, so the client charges this.
   */
  edit: { kind: 'per-request', usd: 0.18, credits: 5 },
} as const satisfies Record<string, PriceRule>;

/** The published rate of legacy credits: one credit per $0.03 (a 256×256 rd_fast image is 1 credit). */
export const USD_PER_CREDIT = 0.03;
