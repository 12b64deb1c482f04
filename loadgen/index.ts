/**
 * The load generator's public API, used by the harness: plan the worker processes, start
 * them, run stages, write interval logs. See loadgen/README.md.
 */
export { planWorkers, sourceAddresses, perWorkerCapacity, perAddressCapacity, splitStage, FD_HEADROOM, FD_RESERVE } from './plan/workers.js';
export { buildLoadPlan, stageAtRate, machineLimits } from './plan/build.js';
export type { LoadPlan, PlannedStage, WorkerShare, GeneratorPlan, MachineLimits } from './plan/types.js';
export { readFdLimit } from './limits.js';
export { LoadGenerator, type StartOptions, type RunStageOptions } from './load-generator.js';
export { writeHlog } from './hlog.js';
export { runAutocannonStage, AUTOCANNON_MAX_CONNECTIONS } from './autocannon-engine.js';
export { DEFAULT_HEALTH_LIMITS, MIN_SENT_FRACTION } from './health.js';
export { validateStagePlan, planProblems } from './plan/check.js';
export type * from './types.js';
