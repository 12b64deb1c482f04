import type { StageResult } from '../../core/result.js';
import { formatBytes, formatCount, formatMs } from '../../core/units.js';
import { withBound } from '../../loadgen/lag-bound.js';
import { countedTotal } from './error-kinds.js';
import { formatRps } from './summary.js';
import { stageAt, type ReportData } from './steps.js';
import type { Table } from './table.js';

type Pick = (s: StageResult) => string;

const ratio = (v: number | null) => (v === null ? 'n/a' : v.toFixed(4));
const pct = (v: number | null) => (v === null ? 'n/a' : `${(v * 100).toFixed(1)}%`);
const num = (v: number | null | undefined) => (v === null || v === undefined ? 'n/a' : String(v));
const us = (v: number | null | undefined) => (v === null || v === undefined ? 'n/a' : `${v.toFixed(v < 10 ? 1 : 0)} µs`);
/** `0.9990 (999,000 req, 1,000 conns)`: a ratio with the counts it is made of. */
const reuseCell = (r: number | null, requests: number | null | undefined, opened: number | null | undefined) =>
  r === null ? `n/a${requests !== null && requests !== undefined ? ` (${requests} req)` : ''}` : `${ratio(r)} (${requests ?? '?'} req, ${opened ?? '?'} opened)`;

/** Active connections in the window, with their share of the held ones and the selection policy. */
function activeText(s: StageResult): string {
  const a = s.connectionCounts.active;
  if (a === undefined || a === null) return 'n/a';
  const held = s.connectionCounts.established ?? 0;
  const share = held > 0 ? ` (${((100 * a) / held).toFixed(held > 0 && a < held && a * 1000 >= held * 999 ? 2 : 1)}%)` : '';
  return `${formatCount(a)}${share}${s.connectionCounts.selection ? `, ${s.connectionCounts.selection}` : ''}`;
}

/** Status column text: a stage that is not a result says so in capitals. */
function statusText(s: StageResult): string {
  return s.status === 'ok' ? 'ok' : `${s.status.toUpperCase()}: not a result`;
}

/**
 * Rows are (step x implementation). `result` columns are figures that are only results when
 * the stage is ok: in other stages they are shown in parentheses, and as "not reached" when
 * the stage never ran. `diagnostic` columns (generator, kernel) are shown as they are.
 */
function stageTable({ results, steps }: ReportData, title: string, note: string | undefined, cols: Array<[string, Pick, 'result' | 'diagnostic']>): Table {
  const rows: string[][] = [];
  const rowClasses: Array<string | null> = [];
  for (const step of steps) {
    for (const { label, result } of results) {
      const s = stageAt(result, step);
      if (!s) continue;
      rows.push([step.label, label, statusText(s), ...cols.map(([, pick, kind]) => {
        if (s.status === 'not-reached') return 'not reached';
        const text = pick(s);
        return kind === 'result' && s.status !== 'ok' ? `(${text})` : text;
      })]);
      rowClasses.push(s.status === 'ok' ? null : s.status);
    }
  }
  return { title, note, columns: ['step', 'impl', 'status', ...cols.map(([name]) => name)], rows, rowClasses, labelColumns: 3 };
}

/** Every stage table of the report, in the order they are printed. */
export function stageTables(data: ReportData): Table[] {
  const { results } = data;
  const kinds = [...new Set(results.flatMap(({ result }) => result.stages.flatMap((s) => Object.keys(s.errors))))].sort();
  const paren = 'Values in parentheses come from stages that are not results (invalid, failed, interrupted).';
  return [
    stageTable(data, 'Load and connections', `engine: gw-bench is the open-model generator (latency from the intended send time); autocannon is closed-loop (no offered rate, no send times: those are n/a). ${paren}`, [
      ['engine', (s) => s.engine ?? 'gw-bench', 'diagnostic'],
      ['conns established / requested', (s) => `${formatCount(s.connectionCounts.established)} / ${formatCount(s.connectionCounts.requested)}`, 'diagnostic'],
      ['conns active in window', (s) => activeText(s), 'diagnostic'],
      ['connect failed', (s) => `${s.connectionCounts.failed}${Object.keys(s.connectionCounts.failedByErrno).length ? ` (${Object.entries(s.connectionCounts.failedByErrno).map(([k, v]) => `${k} ${v}`).join(', ')})` : ''}`, 'diagnostic'],
      ['offered req/s', (s) => (s.offeredRps === null ? 'n/a (closed loop)' : formatRps(s.offeredRps)), 'diagnostic'],
      ['achieved req/s', (s) => formatRps(s.achievedRps), 'result'],
      ['requests', (s) => String(s.requests), 'result'],
      ['error rate', (s) => `${(s.errorRate * 100).toFixed(3)}%`, 'result'],
    ]),
    stageTable(data, 'Latency (ms, from the intended send time; percentiles of the merged histogram)', paren, [
      ['p50', (s) => formatMs(s.latencyMs.p50), 'result'],
      ['p90', (s) => formatMs(s.latencyMs.p90), 'result'],
      ['p99', (s) => withBound(formatMs(s.latencyMs.p99), s.generator.lagBoundMs), 'result'],
      ['p99.9', (s) => formatMs(s.latencyMs.p999), 'result'],
      ['max', (s) => formatMs(s.latencyMs.max), 'result'],
      ['service-time p99', (s) => (s.serviceTimeMs ? formatMs(s.serviceTimeMs.p99) : 'n/a (closed loop: same as latency)'), 'result'],
      ['capacity at SLO', (s) => (s.capacity ? (s.capacity.rps === null ? `none met p99 <= ${s.capacity.sloP99Ms}ms` : `${formatCount(s.capacity.rps)} req/s (p99 <= ${s.capacity.sloP99Ms}ms)`) : '-'), 'result'],
    ]),
    stageTable(data, 'Errors by kind (measurement window)', `status_NNN columns break the http_* classes down by exact status and expected_* are correct answers to deliberately bad requests: neither is added to the total. ${paren}`, [
      ...kinds.map((k): [string, Pick, 'result'] => [k, (s) => String(s.errors[k] ?? 0), 'result']),
      ['total errors', (s) => String(countedTotal(s.errors)), 'result'],
    ]),
    stageTable(data, 'Connection reuse (1 - connections opened / requests, measurement window only; docs/metrics.md)', `Each side counts requests and connections opened between the window's start and end. The seed article's figure is requests on reused connections / requests, the same quantity when every opened connection carries a request. Client reuse near 1 shows the generator holds its connections open, not that the gateway reuses anything: the gateway's own reuse is the upstream column. ${paren}`, [
      ['client', (s) => reuseCell(s.reuse.client, s.reuse.clientRequests ?? s.requests, s.reuse.clientConnectionsOpened), 'result'],
      ['upstream', (s) => reuseCell(s.reuse.upstream, s.reuse.upstreamRequests, s.reuse.upstreamConnectionsOpened), 'result'],
      ['gateway /metrics', (s) => reuseCell(s.reuse.gateway, s.reuse.gatewayRequests, s.reuse.gatewayConnectionsOpened), 'result'],
      ['conns carrying >=1 req: client / upstream', (s) => `${num((s.connectionCounts as { active?: number | null }).active)} / ${num(s.reuse.upstreamConnectionsActive)}`, 'diagnostic'],
    ]),
    stageTable(data, 'CPU per request (target process tree, /proc utime+stime, measurement window)', paren, [
      ['CPU / request', (s) => (s.cpu?.perRequestUs != null ? us(s.cpu.perRequestUs) : `n/a${s.cpu?.reason ? ` (${s.cpu.reason})` : ''}`), 'result'],
      ['target CPU seconds', (s) => (s.cpu?.targetSeconds != null ? s.cpu.targetSeconds.toFixed(2) : 'n/a'), 'result'],
      ['processes', (s) => num(s.cpu?.processes), 'diagnostic'],
    ]),
    stageTable(data, 'Memory', `residency = heapUsed / RSS (this project's ratio); RSS / heapUsed is the seed article's ratio (its inverse). RSS is summed over the target's process tree, so pages its processes share (the runtime's binary) count once per process; PSS counts them once. ${paren}`, [
      ['RSS', (s) => formatBytes(s.memory.rssBytes), 'result'],
      ['RSS max', (s) => formatBytes(s.memory.rssMaxBytes), 'result'],
      ['RSS / conn', (s) => formatBytes(s.memory.rssPerConnectionBytes), 'result'],
      ['PSS / conn (shared pages once)', (s) => formatBytes(s.memory.pssPerConnectionBytes ?? null), 'result'],
      ['heap used', (s) => formatBytes(s.memory.heapUsedBytes), 'result'],
      ['heap total', (s) => formatBytes(s.memory.heapTotalBytes), 'result'],
      ['heap sys', (s) => formatBytes(s.memory.heapSysBytes), 'result'],
      ['residency heapUsed/RSS', (s) => pct(s.memory.residency), 'result'],
      ['RSS/heapUsed', (s) => (s.memory.rssOverHeap === null ? 'n/a' : `${s.memory.rssOverHeap.toFixed(2)}x`), 'result'],
      ['RSS/heap_sys (seed)', (s) => (s.memory.rssOverHeapSys == null ? 'n/a' : `${s.memory.rssOverHeapSys.toFixed(2)}x`), 'result'],
      ['processes', (s) => num(s.memory.processes), 'diagnostic'],
      ['heap source', (s) => s.memory.heapSource, 'diagnostic'],
    ]),
    stageTable(data, 'Load-generator health', 'A stage is valid when the lag bound (most the generator can have added to any latency) is at most max(10 ms, 5% of p99) and the worker checks pass (docs/metrics.md).', [
      ['valid', (s) => (s.generator.valid ? 'yes' : 'NO'), 'diagnostic'],
      ['lag bound', (s) => (s.generator.lagBoundMs == null ? 'n/a' : formatMs(s.generator.lagBoundMs)), 'diagnostic'],
      ['lag bound rule', (s) => s.generator.lagBoundRule ?? 'n/a', 'diagnostic'],
      ['send-lag p99', (s) => formatMs(s.generator.sendLagP99Ms), 'diagnostic'],
      ['send-lag max', (s) => formatMs(s.generator.sendLagMaxMs), 'diagnostic'],
      ['event-loop p99', (s) => formatMs(s.generator.eventLoopP99Ms), 'diagnostic'],
      ['event-loop max', (s) => formatMs(s.generator.eventLoopMaxMs), 'diagnostic'],
      ['worker CPU max', (s) => `${(s.generator.cpu * 100).toFixed(0)}%`, 'diagnostic'],
      ['workers', (s) => String(s.generator.workers), 'diagnostic'],
      ['RSS / held conn', (s) => (s.generator.rssPerConnectionBytes == null ? 'n/a' : formatBytes(s.generator.rssPerConnectionBytes)), 'diagnostic'],
      ['arrivals (KS)', (s) => (s.generator.arrivals == null ? 'n/a' : `${s.generator.arrivals.ok ? 'ok' : 'FAIL'} ${s.generator.arrivals.ks.toFixed(4)} / ${s.generator.arrivals.critical.toFixed(4)}`), 'diagnostic'],
      ['reasons', (s) => [...s.generator.reasons, ...s.reasons.filter((r) => !s.generator.reasons.includes(r))].join('; ') || '-', 'diagnostic'],
    ]),
    stageTable(data, 'Kernel counters (deltas over the stage; TIME_WAIT is a level at the end)', undefined, [
      ['ListenOverflows', (s) => num(s.kernel.listenOverflows), 'diagnostic'],
      ['ListenDrops', (s) => num(s.kernel.listenDrops), 'diagnostic'],
      ['RetransSegs', (s) => num(s.kernel.retransSegs), 'diagnostic'],
      ['TIME_WAIT', (s) => num(s.kernel.timeWait), 'diagnostic'],
    ]),
  ];
}
