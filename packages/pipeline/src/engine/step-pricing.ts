import { addCost, estimateStyleCost, getEditTool, PRICES, type CacheStore, type Cost, type Lockfile } from '@rd-assets/core';
import type { Provider } from '@rd-assets/api';
import type { AssetJob, CallStep } from './asset-job.js';
import { walkRequest, wireBody, type RequestWalkSources } from './request-walk.js';

/** What one call should cost, before it is made. */
export function estimateStepCost(job: AssetJob, step: CallStep, lock: Lockfile): Cost {
  if (step.endpoint === 'inferences' && job.asset.source.kind === 'generate') {
    const { request, style } = job.asset.source;
    // Costs seen before for the same style and size beat the published formula.
    for (const e of Object.values(lock.assets)) {
      if (e.style === style.id && e.size?.[0] === request.width && e.size?.[1] === request.height && e.steps[0]?.endpoint === 'inferences' && (e.request.num_images ?? 1) === request.num_images) {
        const c = e.steps[0].cost;
        if (c.usd !== undefined || c.credits !== undefined) return c;
      }
    }
    return estimateStyleCost(style, request.width, request.height, request.num_images);
  }
  if (step.endpoint === 'edit') return { usd: PRICES.edit.usd, credits: PRICES.edit.credits };
  if (step.endpoint.startsWith('edit/tools/')) {
    const tool = getEditTool(step.endpoint.slice('edit/tools/'.length));
    return tool ? { usd: tool.usd, credits: tool.credits } : {};
  }
  return { usd: 0, credits: 0 };
}

/** What pricing a chain reads: the lock's past costs, and for paid edit tools the API's estimate. */
export interface ChainPricing {
  lock: Lockfile;
  store: CacheStore;
  /** `assets plan`: ask the API's free estimate routes for paid edit tools. */
  priceEditTools?: boolean;
  provider: () => Promise<Provider>;
  signal: AbortSignal;
  sources: RequestWalkSources;
}

/**
 * What the calls from `from` on should cost. For `assets plan`, paid edit tools are priced by
 * their free `/estimate` route (with the chain's last known image standing in for inputs not
 * made yet); everything else, and any estimate the API cannot give, by `estimateStepCost`.
 */
export async function priceChain(job: AssetJob, from: number, input: { sha256: string; bytes?: Buffer } | undefined, pricing: ChainPricing): Promise<Cost> {
  let total: Cost = {};
  for (const step of job.steps.slice(from)) {
    let cost = estimateStepCost(job, step, pricing.lock);
    const paidTool = step.endpoint.startsWith('edit/tools/') && ((cost.usd ?? 0) > 0 || (cost.credits ?? 0) > 0);
    if (pricing.priceEditTools && paidTool && input && (input.bytes || (await pricing.store.hasObject(input.sha256)))) {
      try {
        const provider = await pricing.provider();
        cost = await provider.checkCost({ endpoint: step.endpoint, body: await wireBody(await walkRequest(step, input, pricing.sources)) }, { signal: pricing.signal });
      } catch {
        // No key, or the API could not say: the catalog price stands.
      }
    }
    total = addCost(total, cost);
  }
  return total;
}
