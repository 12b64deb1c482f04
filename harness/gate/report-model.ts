import type { EnvFingerprint, StageStatus } from '../../core/result.js';
import type { MetricVerdict } from './decide.js';
import type { PlannedTrial } from './order.js';
import type { RelativeSettings } from './settings.js';
import type { ThresholdCheck } from './thresholds.js';

/**
 * gate.json: everything the gate saw and decided, enough to re-derive the verdict
 * (every trial with its variant, position and seed; every ratio and interval; limits).
 */

export const GATE_SCHEMA_VERSION = 1;

export interface TrialStage {
  index: number;
  name: string;
  status: StageStatus;
  /** null for a closed-loop engine (autocannon). */
  offeredRps: number | null;
  achievedRps: number;
  metrics: Record<string, number | null>;
}

export interface TrialRecord extends PlannedTrial {
  /** 0 = first run of this planned trial; n = its n-th re-run after an invalid attempt. */
  attempt: number;
  startedAt: string;
  durationS: number;
  /** Run folder of this trial (result.json, hlogs), when the runner wrote one. */
  dir: string | null;
  status: 'ok' | 'invalid' | 'functional-failure' | 'error';
  notes: string[];
  stages: TrialStage[];
}

export interface Comparison {
  stage: number;
  stageName: string;
  metric: string;
  better: 'lower' | 'higher';
  unit: string;
  /** Oriented log-ratio per pair (positive = candidate worse); null when the pair lacks the metric. */
  logRatios: (number | null)[];
  n: number;
  /** exp(median log-ratio), oriented: > 1 means candidate worse. */
  ratio: number | null;
  lower: number | null;
  upper: number | null;
  /** Pairs in which the candidate was worse. */
  pairsWorse: number;
  baseMedian: number | null;
  candidateMedian: number | null;
  warn: number;
  fail: number;
  gateStage: 1 | 2;
  verdict: MetricVerdict | 'unavailable' | 'info';
  reason: string;
}

export interface ThresholdSummary {
  expr: string;
  stage: number;
  stageName: string;
  functional: boolean;
  outcome: 'pass' | 'fail' | 'unavailable' | 'inconclusive';
  /** Trials (or result files) evaluated and how many breached. */
  evaluated: number;
  breached: number;
  message: string;
  checks: ThresholdCheck[];
}

export interface CalibrationMetric {
  stage: number;
  stageName: string;
  metric: string;
  pairs: number;
  /** 95th percentile of |ln r| over single pairs. */
  p95AbsLogPair: number | null;
  /** 95th percentile of |ln R| for a gate of `gatePairs` pairs (bootstrap over the A/A pairs). */
  p95AbsLogGate: number | null;
  gatePairs: number;
  currentFail: number;
  suggestedWarn: number | null;
  suggestedFail: number | null;
  /** What the gate's own rule says about this A/A data (anything but pass/warn is a false alarm). */
  aaVerdict: string;
}

export interface Calibration {
  pairs: number;
  metrics: CalibrationMetric[];
  suggestions: string[];
}

export type GateStatus = 'pass' | 'warn' | 'fail' | 'inconclusive' | 'target-failure' | 'error';

export interface GateVerdict {
  status: GateStatus;
  exitCode: number;
  reasons: string[];
  warnings: string[];
}

export interface GateReport {
  schemaVersion: typeof GATE_SCHEMA_VERSION;
  tool: { name: 'gw-bench'; version: string };
  mode: 'absolute' | 'relative' | 'calibrate' | 'base-result';
  startedAt: string;
  finishedAt: string;
  scenario: { name: string; file: string | null };
  base: { kind: 'git-ref' | 'result' | 'working-tree' | 'none'; ref?: string; sha?: string | null; resultFile?: string };
  /** `dirty`: the working tree had uncommitted changes (the candidate is HEAD plus those). */
  candidate: { kind: 'working-tree' | 'result'; sha?: string | null; dirty?: boolean | null; resultFile?: string };
  design: (RelativeSettings & { order: string[]; onInconclusive: 'warn' | 'fail' }) | null;
  trials: TrialRecord[];
  comparisons: Comparison[];
  thresholds: ThresholdSummary[];
  calibration: Calibration | null;
  env: EnvFingerprint | null;
  verdict: GateVerdict;
}
