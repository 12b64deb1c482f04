import { formatMs } from '../../core/units.js';
import { isMeasured, shortStatus, stageAt, type LabeledResult, type ReportData, type Step } from './steps.js';

/** Who won one metric at one step, and by how much over the runner-up. */
export interface Win {
  winner: string;
  value: number;
  runnerUp: string;
  runnerUpValue: number;
  /** Ratio >= 1: runner-up / winner for latency, winner / runner-up for throughput. */
  factor: number;
}

export interface StepSummary {
  step: Step;
  /** Implementations with a valid ('ok') stage at this step. */
  measured: string[];
  p99: Win | null;
  throughput: Win | null;
  /** Implementations whose stage here is not a result, with why. */
  notResults: Array<{ label: string; words: string; reasons: string[] }>;
}

function win(entries: Array<{ label: string; value: number }>, lowerIsBetter: boolean): Win | null {
  if (entries.length < 2) return null;
  const sorted = [...entries].sort((a, b) => (lowerIsBetter ? a.value - b.value : b.value - a.value));
  const [first, second] = [sorted[0]!, sorted[1]!];
  const factor = lowerIsBetter ? second.value / first.value : first.value / second.value;
  return { winner: first.label, value: first.value, runnerUp: second.label, runnerUpValue: second.value, factor: Number.isFinite(factor) ? factor : Infinity };
}

/** Per step: p99 winner (lowest intended-time p99), throughput winner (highest achieved rate), and what is not a result. */
export function summarize({ results, steps }: ReportData): StepSummary[] {
  return steps.map((step) => {
    const measured = results.map(({ label, result }) => ({ label, stage: stageAt(result, step) })).filter((e) => isMeasured(e.stage));
    const notResults = results.flatMap(({ label, result }) => {
      const stage = stageAt(result, step);
      return stage && stage.status !== 'ok' ? [{ label, words: shortStatus(stage), reasons: stage.reasons }] : [];
    });
    return {
      step,
      measured: measured.map((e) => e.label),
      p99: win(measured.map((e) => ({ label: e.label, value: e.stage!.latencyMs.p99 })), true),
      throughput: win(measured.map((e) => ({ label: e.label, value: e.stage!.achievedRps })), false),
      notResults,
    };
  });
}

/** Whole requests per second with thousands separators: 1,998 (formatCount would round it to 2k). */
export function formatRps(v: number): string {
  return Math.round(v).toLocaleString('en-US');
}

function factorText(f: number): string {
  return Number.isFinite(f) ? `${f.toFixed(2)}x` : 'infinitely';
}

/** One plain-text line per step, shared by HTML and Markdown (callers escape as needed). */
export function summaryLine(s: StepSummary, results: readonly LabeledResult[]): string {
  const parts: string[] = [];
  if (s.p99) {
    parts.push(`p99: ${s.p99.winner} ${formatMs(s.p99.value)} vs ${s.p99.runnerUp} ${formatMs(s.p99.runnerUpValue)} (${factorText(s.p99.factor)} lower)`);
  }
  if (s.throughput) {
    const t = s.throughput;
    parts.push(t.value === t.runnerUpValue
      ? `throughput: tie at ${formatRps(t.value)} req/s`
      : `throughput: ${t.winner} ${formatRps(t.value)} req/s vs ${t.runnerUp} ${formatRps(t.runnerUpValue)} req/s (+${((t.factor - 1) * 100).toFixed(1)}%)`);
  }
  if (s.measured.length === 1) {
    const only = results.find((r) => r.label === s.measured[0])!;
    const stage = stageAt(only.result, s.step)!;
    parts.push(`only ${only.label} has a result: p99 ${formatMs(stage.latencyMs.p99)}, ${formatRps(stage.achievedRps)} req/s`);
  }
  if (s.measured.length === 0) parts.push('no implementation has a valid result');
  for (const n of s.notResults) parts.push(`${n.label}: ${n.words.toUpperCase()}${n.reasons.length ? ` (${n.reasons.join('; ')})` : ''}`);
  return parts.join('; ');
}
