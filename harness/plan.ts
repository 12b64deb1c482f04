import type { LoadPlan, PlannedStage } from '../loadgen/plan/types.js';
import { stageFields } from '../loadgen/plan/check.js';
import type { StagePlan, TokenPool } from '../loadgen/types.js';

/**
 * A planned stage bound to what is known only once the target runs (its address and the
 * minted tokens): the order the generator carries out. Nothing is computed here; the
 * split over workers, seeds and rates all come from the LoadPlan.
 */
export function bindStage(plan: LoadPlan, stage: PlannedStage, target: { host: string; port: number }, tokens: TokenPool): StagePlan {
  if (stage.rate === 'capacity') throw new Error(`stage ${stage.index}: bind a capacity stage through stageAtRate (one probe at a time)`);
  return { ...stageFields(plan, stage), target, tokens };
}
