import { clopperPearson } from './binomial.js';

/**
 * The outcome of one gate in `npm run verify:gate` and the per-group rates docs/gate-power.md
 * reports: for A/A gates the false-fail rate, for injected slowdowns the detection rate,
 * each with its exact 95% interval; inconclusive and other outcomes counted beside them.
 */

export type PowerGroup = 'aa' | 'delay' | 'cpu';

export interface GateOutcome {
  group: PowerGroup;
  /** Injected effect as a fraction of the base's p99 (delay) or CPU per request (cpu); 0 for A/A. */
  effect: number;
  /** What was injected: delay in ms, CPU in us per request. */
  injected: number;
  status: string;
  exitCode: number;
  wallS: number;
  trials: number;
  reruns: number;
  /** Metrics that came out `regression`. */
  caughtBy: string[];
  /** Why an inconclusive gate was: the metrics too noisy to decide, or the trial that stayed invalid. */
  why: string;
}

export interface GroupRow {
  group: PowerGroup;
  effect: number;
  injected: number;
  n: number;
  /** Gates that failed (exit 1): false fails for A/A, detections otherwise. */
  failed: number;
  rate: number;
  lower: number;
  upper: number;
  inconclusive: number;
  /** Target failures and harness errors: neither a pass nor a detection. */
  other: number;
  wallMedianS: number;
  wallMaxS: number;
  caughtBy: Record<string, number>;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** One row per (group, effect), A/A first, then by group and effect size. */
export function summarize(outcomes: readonly GateOutcome[]): GroupRow[] {
  const groups = new Map<string, GateOutcome[]>();
  for (const o of outcomes) {
    const key = `${o.group}/${o.effect}`;
    groups.set(key, [...(groups.get(key) ?? []), o]);
  }
  const order: PowerGroup[] = ['aa', 'delay', 'cpu'];
  return [...groups.values()].map((os): GroupRow => {
    const failed = os.filter((o) => o.exitCode === 1).length;
    const ci = clopperPearson(failed, os.length);
    const caughtBy: Record<string, number> = {};
    for (const o of os) for (const m of o.caughtBy) caughtBy[m] = (caughtBy[m] ?? 0) + 1;
    return {
      group: os[0]!.group, effect: os[0]!.effect, injected: median(os.map((o) => o.injected)), n: os.length,
      failed, rate: failed / os.length, lower: ci.lower, upper: ci.upper,
      inconclusive: os.filter((o) => o.status === 'inconclusive').length,
      other: os.filter((o) => o.exitCode !== 0 && o.exitCode !== 1 && o.status !== 'inconclusive').length,
      wallMedianS: median(os.map((o) => o.wallS)), wallMaxS: Math.max(...os.map((o) => o.wallS)), caughtBy,
    };
  }).sort((a, b) => order.indexOf(a.group) - order.indexOf(b.group) || a.effect - b.effect);
}
