/**
 * From cell runs to the side-by-side table: median and spread over the repetitions, and
 * capacity ratios with their uncertainty (from the capacity brackets). A ratio whose peer
 * was not measured is null with the reason, never a number.
 */
import { median } from '../../../harness/gate/stats.js';
import type { BracketEdge, CellRun } from './cell.js';

/** The impl every other one is compared with (the yardstick), and the one we build. */
export const YARDSTICK = 'go-nethttp';
export const REFERENCE = 'reference';

export interface Spread { median: number; min: number; max: number; n: number }

export interface CellSummary {
  impl: string;
  route: string;
  /** Over the runs that found a capacity; null with `reason` when none did. */
  capacityRps: Spread | null;
  /** Median of the runs' bracket edges; high null when some run never found a failing probe. */
  bracket: { low: number | null; high: number | null; upper: BracketEdge[] };
  p99AtCapacityMs: Spread | null;
  cpuUsPerRequest: Spread | null;
  /** Max latency in the probe at half capacity, over the runs that ran one; `maxAtHalfBehind` of them had a lagging generator (their max is an upper bound). */
  maxAtHalfMs?: Spread | null;
  maxAtHalfBehind?: number;
  runs: number;
  reason: string | null;
}

export interface Ratio {
  route: string;
  numerator: string;
  denominator: string;
  /** median capacity / median capacity; null with reason when either side has none. */
  ratio: number | null;
  /** Range from the medians' brackets: low/high of the numerator over high/low of the denominator; null when a bracket is open. */
  range: { low: number; high: number } | null;
  reason: string | null;
  /**
   * Median CPU µs per request (gateway process tree, probe at capacity) of the numerator over
   * the denominator's: below 1, the numerator spends less CPU per request. Measured even
   * where capacity is only a lower bound; null with `cpuReason` when a side has no figure.
   */
  cpuRatio?: number | null;
  cpuReason?: string | null;
}

export function spread(xs: Array<number | null>): Spread | null {
  const v = xs.filter((x): x is number => x !== null && Number.isFinite(x));
  return v.length ? { median: median(v), min: Math.min(...v), max: Math.max(...v), n: v.length } : null;
}

export function summarizeCell(runs: CellRun[]): CellSummary {
  const { impl, route } = runs[0]!;
  const measured = runs.filter((r) => r.status === 'measured');
  const lows = measured.map((r) => r.bracket.low);
  const highs = measured.map((r) => r.bracket.high);
  const capacityRps = spread(measured.map((r) => r.capacityRps));
  return {
    impl, route, runs: runs.length,
    capacityRps,
    bracket: {
      // A run with no passing probe leaves the low edge open; one with no failing probe, the high edge.
      low: lows.some((x) => x === null) || !lows.length ? null : median(lows as number[]),
      high: highs.some((x) => x === null) || !highs.length ? null : median(highs as number[]),
      upper: [...new Set(measured.map((r) => r.bracket.upper))],
    },
    p99AtCapacityMs: spread(measured.map((r) => r.p99AtCapacityMs)),
    cpuUsPerRequest: spread(measured.map((r) => r.cpuUsPerRequest)),
    maxAtHalfMs: spread(measured.map((r) => r.half?.maxMs ?? null)),
    maxAtHalfBehind: measured.filter((r) => r.half && !r.half.valid).length,
    reason: measured.length === 0 ? (runs[0]!.reason ?? 'not measured') : capacityRps === null ? 'no probe met the SLO in any run' : null,
  };
}

/** Ratio of two cells' capacities; `missing` says why a side has no cell (skipped, not requested). */
export function ratioOf(route: string, num: string, den: string, cells: CellSummary[], missing: Map<string, string>): Ratio {
  const a = cells.find((c) => c.impl === num && c.route === route);
  const b = cells.find((c) => c.impl === den && c.route === route);
  const none = (who: string, c: CellSummary | undefined): string | null =>
    !c ? `${who}: ${missing.get(who) ?? 'not measured'}` : c.capacityRps === null ? `${who}: ${c.reason ?? 'no capacity within the SLO'}` : null;
  const cpuNone = (who: string, c: CellSummary | undefined): string | null =>
    !c ? `${who}: ${missing.get(who) ?? 'not measured'}` : c.cpuUsPerRequest === null ? `${who}: no CPU figure (no probe passed)` : null;
  const cpuReason = [cpuNone(num, a), cpuNone(den, b)].filter((x) => x !== null).join('; ') || null;
  const cpu = { cpuRatio: cpuReason ? null : a!.cpuUsPerRequest!.median / b!.cpuUsPerRequest!.median, cpuReason };
  // A bracket whose upper edge is the generator (or the search limit) bounds capacity from
  // below only: a ratio of two such figures is not a capacity ratio, so none is given.
  const open = (who: string, c: CellSummary | undefined): string | null => {
    const edges = c?.bracket.upper.filter((e) => e === 'generator' || e === 'search-limit') ?? [];
    return c?.capacityRps && edges.length ? `${who}: capacity >= ${Math.round(c.capacityRps.median)}/s is a lower bound (the upper edge of its bracket: ${edges.join('/')})` : null;
  };
  const reason = [none(num, a), none(den, b)].filter((x) => x !== null).join('; ') || [open(num, a), open(den, b)].filter((x) => x !== null).join('; ') || null;
  if (reason) return { route, numerator: num, denominator: den, ratio: null, range: null, reason, ...cpu };
  const ratio = a!.capacityRps!.median / b!.capacityRps!.median;
  const { low: al, high: ah } = a!.bracket;
  const { low: bl, high: bh } = b!.bracket;
  const range = al !== null && ah !== null && bl !== null && bh !== null && bl > 0 ? { low: al / bh, high: ah / bl } : null;
  return { route, numerator: num, denominator: den, ratio, range, reason: null, ...cpu };
}

/**
 * The ratios the table shows: every impl against go-nethttp, and the reference against
 * every other impl (measured or not: a missing peer is a null with its reason).
 */
export function ratios(routes: string[], impls: string[], cells: CellSummary[], missing: Map<string, string>): Ratio[] {
  const out: Ratio[] = [];
  for (const route of routes) {
    for (const impl of impls) if (impl !== YARDSTICK) out.push(ratioOf(route, impl, YARDSTICK, cells, missing));
    for (const peer of impls) if (peer !== REFERENCE && peer !== YARDSTICK) out.push(ratioOf(route, REFERENCE, peer, cells, missing));
  }
  return out;
}
