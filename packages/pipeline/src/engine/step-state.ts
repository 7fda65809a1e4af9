import type { Cost, StoredOutput } from '@rd-assets/core';

/** What the walk of one asset knows of one of its call steps. */
export interface StepState {
  key: string;
  lockRequest: Record<string, unknown>;
  outputs?: StoredOutput[];
  /** The store holds the action and every object (bytes available). */
  complete: boolean;
  cost: Cost;
}

/** An asset's raw outputs as dependents see them. */
export interface Finished {
  outputs: StoredOutput[];
}

/** The image a step hands to the next step of its chain. */
export function mainOutput(outputs: StoredOutput[]): StoredOutput {
  return outputs.find((o) => o.role === 'image') ?? outputs[0]!;
}
