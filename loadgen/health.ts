import type { LagBound } from './lag-bound.js';
import type { HealthLimits } from './types.js';
import { DEFAULTS } from '../core/scenario/defaults.js';
import { parseDuration, parsePercent } from '../core/units.js';

/**
 * Whether the generator itself kept up. A stage whose generator lagged is reported invalid
 * with the reasons, never silently: its latencies would describe the generator, not the
 * target.
 */

/**
 * The scenario's defaults (core/scenario/defaults.ts owns them), for the rigs that plan
 * stages without a scenario: soak, accuracy, the benches. One owner, so a rig never judges
 * its generator by a stricter rule than a run does.
 */
export const DEFAULT_HEALTH_LIMITS: Readonly<HealthLimits> = Object.freeze({
  maxSendLagP99Ms: parseDuration(DEFAULTS.generator.maxSendLagP99, 'generator.maxSendLagP99'),
  maxEventLoopP99Ms: parseDuration(DEFAULTS.generator.maxEventLoopP99, 'generator.maxEventLoopP99'),
  maxCpu: parsePercent(DEFAULTS.generator.maxCpu, 'generator.maxCpu'),
});

/** A stage is invalid when fewer than this fraction of the intended sends went out. */
export const MIN_SENT_FRACTION = 0.97;

export interface HealthInputs {
  /** The generator's error bound on latency (lag-bound.ts); null when not measurable. */
  lag: LagBound | null;
  eventLoopP99Ms: number[];
  cpu: number[];
  intended: number;
  issued: number;
  aborted: boolean;
}

const fmt = (n: number): string => (Math.round(n * 100) / 100).toString();

/** Reasons the generator is not trusted for a stage (empty = valid). */
export function healthReasons(limits: HealthLimits, h: HealthInputs): string[] {
  const reasons: string[] = [];
  if (h.aborted) reasons.push('stage was aborted before its end');
  if (h.lag !== null && h.lag.boundMs !== null && !h.lag.ok) {
    reasons.push(`generator lag bound ${fmt(h.lag.boundMs)} ms exceeds the allowed ${fmt(h.lag.allowedMs)} ms (${h.lag.rule}): the generator may have added more than that to the latencies`);
  }
  h.eventLoopP99Ms.forEach((d, i) => {
    if (d > limits.maxEventLoopP99Ms) reasons.push(`worker ${i}: event-loop delay p99 ${fmt(d)} ms exceeds the limit of ${fmt(limits.maxEventLoopP99Ms)} ms`);
  });
  h.cpu.forEach((c, i) => {
    if (c > limits.maxCpu) reasons.push(`worker ${i}: CPU ${fmt(c)} of a core exceeds the limit of ${fmt(limits.maxCpu)} (generator saturated)`);
  });
  if (h.intended > 0 && h.issued < h.intended * MIN_SENT_FRACTION) {
    reasons.push(`only ${h.issued} of ${h.intended} intended requests were sent (${fmt((100 * h.issued) / h.intended)}% < ${MIN_SENT_FRACTION * 100}%): the generator could not offer the planned rate`);
  }
  return reasons;
}
