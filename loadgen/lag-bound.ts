import type { Histogram } from '../core/hdr.js';
import { LONG_GAP_MS } from './stall-recorder.js';

/**
 * The generator's error bound on latency (docs/metrics.md, "Generator lag bound").
 *
 * Latency is measured from the intended send time, so a late generator can only ever make
 * a request look slower, never faster. It adds delay at two points only:
 *  - sending: the request left `send lag` after its intended time (measured per request);
 *  - receiving: the response reached the socket while the worker's event loop was stalled,
 *    and was stamped at most the rest of that stall late.
 *
 * The bound B is the delay the generator added to all but a share EXCEEDANCE (0.1%) of the
 * window's requests: send lag over s for at most a share a of them (s read from the send-lag
 * histogram), a receive delay over b for at most a share EXCEEDANCE - a (b such that the
 * stall time more than b before a stall's end covers at most that share of the window;
 * responses arrive independently of the worker's stalls). Hence at most 0.1% of requests
 * have m_i > t_i + B, which gives
 *
 *     true pX <= measured pX <= true p(X + 0.1) + B     for X <= 99.9
 *
 * (a quantile shift: a tail that is flat over 0.1% of requests moves little). B is the
 * smallest s + b over a few splits a. The strict bound, send lag max + longest stall,
 * holds for every quantile including the max, and is kept beside it.
 */

/** Share of the measured p99 the bound may reach and the stage still count as a result. */
export const LAG_BOUND_SHARE = 0.05;
/** Share of requests the bound may leave out (0.1%: the bound is from the p99.9 of the generator's delay). */
export const EXCEEDANCE = 0.001;
/** Splits of EXCEEDANCE between the send side and the receive side that are tried. */
const SPLITS = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

export interface LagBoundInputs {
  /** Send lag (µs) of the window's requests that found a free connection; null = engine records no send times. */
  sendLag: Histogram | null;
  /** Every worker's event-loop gaps longer than LONG_GAP_MS over the window and the drain, ms; null = not recorded. */
  longGapsMs: readonly number[] | null;
  /** Long gaps a worker could not keep (its list was full): the receive side falls back to the longest gap. */
  longGapsDropped?: number;
  /** Longest event-loop gap of any worker over the window and the drain, raw, ms. */
  eventLoopMaxMs: number | null;
  /** Length of the measurement window, ms. */
  windowMs: number;
  /** p99 of the stage's latency from intended send time, ms. */
  measuredP99Ms: number;
  /** Lowest allowed bound, ms (scenario generator.maxSendLagP99, default 10 ms). */
  floorMs: number;
  /** Requests in the window that waited for a free connection (not covered exactly: see rule). */
  queued?: number;
}

export interface LagBound {
  /** Most the generator added to 99.9% of the requests (validity is judged on it). */
  boundMs: number | null;
  /** Most it added to any request: send lag max + longest stall. */
  strictMs: number | null;
  allowedMs: number;
  ok: boolean;
  rule: string;
}

const r2 = (n: number): number => Math.round(n * 100) / 100;

/**
 * Smallest b >= LONG_GAP_MS such that the time spent more than b before the end of a gap,
 * sum over gaps of max(0, g - b), is at most budgetMs. Gaps shorter than LONG_GAP_MS never
 * count (they delay nothing by more than LONG_GAP_MS).
 */
export function stallBoundMs(gapsMs: readonly number[], budgetMs: number): number {
  const g = gapsMs.filter((x) => x > LONG_GAP_MS).sort((a, b) => b - a);
  let prefix = 0;
  for (let k = 1; k <= g.length; k++) {
    prefix += g[k - 1]!;
    const next = k < g.length ? g[k]! : LONG_GAP_MS;
    // on [next, g[k-1]] the excess time is prefix - k*b, falling as b grows; walk down
    // from the longest gap until the excess at the interval's low end exceeds the budget
    if (prefix - k * next <= budgetMs) continue;
    return (prefix - budgetMs) / k;
  }
  return LONG_GAP_MS;
}

/** Send lag (ms) exceeded by at most `share` of the histogram's requests. */
function sendLagAtMs(h: Histogram, share: number): number {
  return h.totalCount === 0 ? 0 : h.getValueAtPercentile(100 * (1 - share)) / 1000;
}

/** The bound, the allowance max(floor, 5% of p99), and the one-line rule shown with the figure. */
export function lagBound(i: LagBoundInputs): LagBound {
  const allowedMs = Math.max(i.floorMs, LAG_BOUND_SHARE * i.measuredP99Ms);
  const allowed = `allowed max(${r2(i.floorMs)} ms, ${LAG_BOUND_SHARE * 100}% of p99 ${r2(i.measuredP99Ms)} ms) = ${r2(allowedMs)} ms`;
  if (i.sendLag === null || i.longGapsMs === null || i.eventLoopMaxMs === null) {
    return { boundMs: null, strictMs: null, allowedMs, ok: true, rule: 'not measurable: this engine does not record per-request send times' };
  }
  const sendMax = i.sendLag.totalCount === 0 ? 0 : i.sendLag.maxValue / 1000;
  const strictMs = sendMax + i.eventLoopMaxMs;
  const windowMs = Math.max(1, i.windowMs);
  let best = { boundMs: strictMs, send: sendMax, recv: i.eventLoopMaxMs, sendShare: 0 };
  for (const split of SPLITS) {
    const sendShare = EXCEEDANCE * split;
    const send = sendLagAtMs(i.sendLag, sendShare);
    const recv = (i.longGapsDropped ?? 0) > 0 ? i.eventLoopMaxMs : Math.min(i.eventLoopMaxMs, stallBoundMs(i.longGapsMs, (EXCEEDANCE - sendShare) * windowMs));
    if (send + recv < best.boundMs) best = { boundMs: send + recv, send, recv, sendShare };
  }
  const queued = i.queued && i.queued > 0
    ? `; ${i.queued} request(s) waited for a free connection and may also carry the receive delay of the response that freed it`
    : '';
  const pct = (s: number): string => `${r2(100 * s)}%`;
  const how = best.sendShare === 0
    ? `send lag max ${r2(best.send)} ms + longest stall ${r2(best.recv)} ms`
    : `send lag over ${r2(best.send)} ms for ${pct(best.sendShare)} of requests + stamped over ${r2(best.recv)} ms late for ${pct(EXCEEDANCE - best.sendShare)}`;
  return {
    boundMs: best.boundMs,
    strictMs,
    allowedMs,
    ok: best.boundMs <= allowedMs,
    rule: `99.9% of requests: ${how}; measured p99 <= true p99.1 + bound; every quantile incl. max <= true + ${r2(strictMs)} ms (send lag max ${r2(sendMax)} + longest stall ${r2(i.eventLoopMaxMs)}); ${allowed}${queued}`,
  };
}

/** The figure with its bound, e.g. `384 ms (generator adds at most 12 ms to 99.9% of requests)`. */
export function withBound(figure: string, boundMs: number | null | undefined): string {
  if (boundMs === null || boundMs === undefined) return figure;
  return `${figure} (generator adds at most ${boundMs < 10 ? boundMs.toFixed(1) : Math.round(boundMs)} ms to 99.9% of requests)`;
}
