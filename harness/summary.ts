import type { RunResult, StageResult, TargetWarmup } from '../core/result.js';
import { formatBytes, formatCount, formatMs } from '../core/units.js';
import { withBound } from '../loadgen/lag-bound.js';

const pct = (v: number | null): string => (v === null ? 'n/a' : `${(v * 100).toFixed(v > 0.999 && v < 1 ? 2 : 1)}%`);

/** One row per stage; invalid and not-reached stages show why, never numbers as if they were results. */
export function stageRow(s: StageResult): string[] {
  const active = s.connectionCounts.active;
  const procs = s.target === undefined ? '-' : s.target.workers === null ? 'n/a' : `${s.target.workers}${s.target.restarted ? '*' : ''}`;
  const base = [s.name + (s.engine === 'autocannon' ? ' [autocannon]' : ''), procs, `${active === undefined || active === null ? '-' : formatCount(active)}/${formatCount(s.connectionCounts.established)}/${formatCount(s.connections)}`];
  if (s.status === 'not-reached' || (s.status !== 'ok' && s.status !== 'invalid' && s.requests === 0)) {
    return [...base, '-', '-', '-', '-', '-', '-', '-', '-', '-', '-', '-', '-', `${s.status.toUpperCase()}: ${s.reasons[0] ?? ''}`];
  }
  const cap = s.capacity ? ` (cap ${s.capacity.rps === null ? 'none' : formatCount(s.capacity.rps)})` : '';
  const row = [
    ...base,
    (s.offeredRps === null ? 'n/a' : formatCount(s.offeredRps)) + cap,
    formatCount(s.achievedRps),
    formatMs(s.latencyMs.p50),
    withBound(formatMs(s.latencyMs.p99), s.generator.lagBoundMs),
    formatMs(s.latencyMs.p999),
    formatMs(s.serviceTimeMs?.p99),
    pct(s.errorRate),
    s.cpu?.perRequestUs != null ? `${s.cpu.perRequestUs.toFixed(0)}µs` : 'n/a',
    `${pct(s.reuse.client)} / ${pct(s.reuse.upstream)}`,
    formatBytes(s.memory.rssBytes),
    formatBytes(s.memory.rssPerConnectionBytes),
    s.memory.residency === null ? 'n/a' : pct(s.memory.residency),
  ];
  row.push(s.status === 'ok' ? 'ok' : `${s.status.toUpperCase()}: ${s.reasons.join('; ')}`);
  return row;
}

export const SUMMARY_HEADER = ['stage', 'procs', 'conns act/est/req', 'offered/s', 'achieved/s', 'p50', 'p99', 'p99.9', 'svc p99', 'errors', 'CPU/req', 'reuse c/u', 'RSS', 'RSS/conn', 'heap/RSS', 'status'];

/** Plain-text table, aligned, for the terminal and the closing note. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return [fmt(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(fmt)].join('\n');
}

/** The summary printed at the end of a run. */
export function formatSummary(r: RunResult, dir: string): string {
  const lines = [
    '',
    `${r.scenario.name}${r.scenario.quick ? ' (--quick)' : ''} on ${r.target.impl} ${r.target.version} - ${r.status}, verdict ${r.verdict.status} (exit ${r.verdict.exitCode})`,
    ...(r.verdict.status === 'incomplete' ? [r.verdict.reasons[0] ?? 'incomplete'] : []),
    ...warmupLine(r.warmup),
    `placement: gateway ${r.env.placement.gateway ?? '-'}, upstreams ${r.env.placement.upstreams ?? '-'}, generator ${r.env.placement.generator ?? '-'} (${r.env.placement.method}); latency from intended send time; svc = service time (closed-loop view); procs = gateway processes (* restarted with this count before the stage)`,
    '',
    formatTable(SUMMARY_HEADER, r.stages.map(stageRow)),
    '',
    ...r.verdict.reasons.map((x) => `- ${x}`),
    `results: ${dir}`,
  ];
  return lines.join('\n');
}

/** The summary's one line about the warm-up (nothing when the scenario has none). */
function warmupLine(w: TargetWarmup | null | undefined): string[] {
  if (!w) return [];
  const err = w.errorRate === null ? 'n/a' : `${(w.errorRate * 100).toFixed(2)}%`;
  return [`target warm-up (counted in no stage): ${w.durationMs / 1000} s at ${w.rps}/s on ${w.connections} connections, ${w.requests} requests, ${w.errors} errors (${err})`];
}
