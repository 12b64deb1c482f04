import type { RunningTarget } from './processes/gateway.js';

/**
 * Give an owned target the process count a stage needs: when it runs another count, stop
 * it and start it again through `start` (same implementation, environment and CPU
 * placement; `start` returns once GET /healthz answers 200). Returns the new target, or
 * null when the count already fits. Only called for targets gw-bench started itself.
 *
 * A restart between stages rather than workers forked on demand: every implementation
 * takes its process count from GW_WORKERS at start (the contract), so this works the
 * same for the reference gateway and every baseline.
 */
export async function resizeTarget(o: {
  target: RunningTarget;
  /** Processes the stage needs; null: not gw-bench's to size. */
  want: number | null;
  start: (workers: number) => Promise<RunningTarget>;
  note: (line: string) => void;
}): Promise<RunningTarget | null> {
  if (o.want === null || o.target.workers === o.want) return null;
  o.note(`restarting ${o.target.impl} with ${o.want} process(es) instead of ${o.target.workers ?? '?'} for the next stage`);
  await o.target.stop();
  const t0 = Date.now();
  const next = await o.start(o.want);
  o.note(`${next.impl} ready with ${o.want} process(es) in ${Date.now() - t0} ms at ${next.url}`);
  return next;
}
