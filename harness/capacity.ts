import type { CapacityProbe, CapacityResult } from '../core/result.js';

/**
 * Capacity search: the highest offered rate whose p99 (from intended send time) stays
 * within the SLO with errors within the limit, found with a bounded number of probes.
 * Doubling from the minimum until a probe fails, then bisecting between the last pass
 * and the first failure. A probe where the generator fell behind counts as a failure:
 * nothing above it can be claimed.
 */
export function nextProbeRate(probes: readonly CapacityProbe[], minRps: number, maxRps: number): number | null {
  if (probes.length === 0) return minRps;
  const passed = probes.filter((p) => p.ok).map((p) => p.rate);
  const failed = probes.filter((p) => !p.ok).map((p) => p.rate);
  const lo = passed.length ? Math.max(...passed) : null;
  const hiCandidates = failed.filter((r) => lo === null || r > lo);
  const hi = hiCandidates.length ? Math.min(...hiCandidates) : null;
  if (lo === null) return null; // even the minimum failed: no capacity within the SLO
  if (hi === null) return lo >= maxRps ? null : Math.min(maxRps, lo * 2);
  const mid = Math.round((lo + hi) / 2);
  // Stop when the bracket is within 5 %: further probes would measure noise.
  return hi - lo <= Math.max(1, lo * 0.05) ? null : mid;
}

export function capacityResult(probes: CapacityProbe[], sloP99Ms: number, maxErrorRate: number): CapacityResult {
  const passed = probes.filter((p) => p.ok);
  return { rps: passed.length ? Math.max(...passed.map((p) => p.rate)) : null, sloP99Ms, maxErrorRate, probes };
}
