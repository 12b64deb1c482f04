/**
 * The generator's error bound on latency (docs/metrics.md, "Generator lag bound").
 *
 * Latency is measured from the intended send time, so a late generator can only ever make
 * a request look slower, never faster. It can add delay at two points only:
 *  - sending: the request left `send lag` after its intended time (measured per request,
 *    for every request that found a free connection; the max is kept);
 *  - receiving: the response sat in the socket while the worker's event loop was busy, and
 *    was stamped late by at most the longest loop stall (the event-loop delay monitor's max,
 *    which includes its own sampling period, so it over-states the stall).
 * Hence every such request's measured latency <= its true latency + B with
 * B = send lag max + event-loop delay max, and because adding at most B to every sample
 * moves each order statistic by at most B, measured pX <= true pX + B for every X.
 *
 * A bound from the send lag's p99 alone proves nothing about the p99; from its p99.9 it
 * proves only measured p99 <= true p99.1 + B' (a quantile shift, docs/metrics.md). The max
 * is the one figure that bounds the p99 against the true p99, so it is the one used.
 */

/** Share of the measured p99 the bound may reach and the stage still count as a result. */
export const LAG_BOUND_SHARE = 0.05;

export interface LagBoundInputs {
  sendLagMaxMs: number | null;
  eventLoopMaxMs: number | null;
  /** p99 of the stage's latency from intended send time, ms. */
  measuredP99Ms: number;
  /** Lowest allowed bound, ms (scenario generator.maxSendLagP99, default 10 ms). */
  floorMs: number;
  /** Requests in the window that waited for a free connection (not covered exactly: see rule). */
  queued?: number;
}

export interface LagBound {
  boundMs: number | null;
  allowedMs: number;
  ok: boolean;
  rule: string;
}

const r2 = (n: number): number => Math.round(n * 100) / 100;

/** The bound, the allowance max(floor, 5% of p99), and the one-line rule shown with the figure. */
export function lagBound(i: LagBoundInputs): LagBound {
  const allowedMs = Math.max(i.floorMs, LAG_BOUND_SHARE * i.measuredP99Ms);
  const allowed = `allowed max(${r2(i.floorMs)} ms, ${LAG_BOUND_SHARE * 100}% of p99 ${r2(i.measuredP99Ms)} ms) = ${r2(allowedMs)} ms`;
  if (i.sendLagMaxMs === null || i.eventLoopMaxMs === null) {
    return { boundMs: null, allowedMs, ok: true, rule: 'not measurable: this engine does not record per-request send times' };
  }
  const boundMs = i.sendLagMaxMs + i.eventLoopMaxMs;
  const queued = i.queued && i.queued > 0
    ? `; ${i.queued} request(s) waited for a free connection and may also carry the receive delay of the response that freed it`
    : '';
  return {
    boundMs,
    allowedMs,
    ok: boundMs <= allowedMs,
    rule: `send lag max ${r2(i.sendLagMaxMs)} ms + event-loop delay max ${r2(i.eventLoopMaxMs)} ms; measured pX <= true pX + bound; ${allowed}${queued}`,
  };
}

/** The figure with its bound, e.g. `384 ms (generator adds at most 12 ms)`. */
export function withBound(figure: string, boundMs: number | null | undefined): string {
  if (boundMs === null || boundMs === undefined) return figure;
  return `${figure} (generator adds at most ${boundMs < 10 ? boundMs.toFixed(1) : Math.round(boundMs)} ms)`;
}
