// TEMPORARY, remove after the money slice of issue 14 is merged: the one cost formatter is core's
// formatCost; progress-view.ts and build-summary.ts, edited for that slice, still import it here.
export { formatCost } from '@rd-assets/core';
