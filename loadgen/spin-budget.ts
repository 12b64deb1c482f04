import { availableParallelism } from 'node:os';
import { cpuListMembers } from '../core/processes/taskset.js';
import { FINE_TIMER_DEFAULTS } from './fine-timer.js';

/**
 * How much of its time a worker's fine timer may spend spinning (fine-timer.ts), given how
 * many workers share the generator's CPUs.
 *
 * Spinning only pays when the worker has a core to itself. When workers outnumber the
 * CPUs they are pinned to, a worker spinning toward its own next send holds the core while
 * another worker's send comes due (or a response waits to be read), and the scheduler
 * hands the core back only at the end of a time slice: the spin that removes ~1 ms of
 * timer lateness in one worker delays the others. And the spin time adds up: feed.yaml
 * runs 7 workers (fd limit 20000, 100k connections) on one CPU shared with the mock
 * upstreams; at 500 req/s each worker used 0.08 of the core with spinning, 0.045-0.05
 * without, so 0.56 of the core fell to 0.35. So: the default budget when every worker
 * carrying the stage can have a CPU, none otherwise (millisecond timers). Workers that
 * carry nothing in a stage (workers: auto, small steps) sleep and are not counted.
 */
export function spinBudget(workers: number, cpuList: string | null | undefined): number {
  const cpus = cpuList ? cpuListMembers(cpuList).length : availableParallelism();
  return workers <= cpus ? FINE_TIMER_DEFAULTS.budget : 0;
}
