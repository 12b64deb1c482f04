import type { StageResult } from '../../core/result.js';
import { formatBytes, formatCount, formatMs } from '../../core/units.js';
import { countedTotal } from './error-kinds.js';
import { formatRps } from './summary.js';
import { stageAt, type ReportData } from './steps.js';
import type { Table } from './table.js';

type Pick = (s: StageResult) => string;

const ratio = (v: number | null) => (v === null ? 'n/a' : v.toFixed(4));
const pct = (v: number | null) => (v === null ? 'n/a' : `${(v * 100).toFixed(1)}%`);
const num = (v: number | null | undefined) => (v === null || v === undefined ? 'n/a' : String(v));

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
    stageTable(data, 'Load and connections', paren, [
      ['conns established / requested', (s) => `${formatCount(s.connectionCounts.established)} / ${formatCount(s.connectionCounts.requested)}`, 'diagnostic'],
      ['connect failed', (s) => `${s.connectionCounts.failed}${Object.keys(s.connectionCounts.failedByErrno).length ? ` (${Object.entries(s.connectionCounts.failedByErrno).map(([k, v]) => `${k} ${v}`).join(', ')})` : ''}`, 'diagnostic'],
      ['offered req/s', (s) => formatRps(s.offeredRps), 'diagnostic'],
      ['achieved req/s', (s) => formatRps(s.achievedRps), 'result'],
      ['requests', (s) => String(s.requests), 'result'],
      ['error rate', (s) => `${(s.errorRate * 100).toFixed(3)}%`, 'result'],
    ]),
    stageTable(data, 'Latency (ms, from the intended send time; percentiles of the merged histogram)', paren, [
      ['p50', (s) => formatMs(s.latencyMs.p50), 'result'],
      ['p90', (s) => formatMs(s.latencyMs.p90), 'result'],
      ['p99', (s) => formatMs(s.latencyMs.p99), 'result'],
      ['p99.9', (s) => formatMs(s.latencyMs.p999), 'result'],
      ['max', (s) => formatMs(s.latencyMs.max), 'result'],
      ['service-time p99', (s) => formatMs(s.serviceTimeMs.p99), 'result'],
      ['capacity at SLO', (s) => (s.capacity ? (s.capacity.rps === null ? `none met p99 <= ${s.capacity.sloP99Ms}ms` : `${formatCount(s.capacity.rps)} req/s (p99 <= ${s.capacity.sloP99Ms}ms)`) : '-'), 'result'],
    ]),
    stageTable(data, 'Errors by kind (measurement window)', `status_NNN columns break the http_* classes down by exact status and expected_* are correct answers to deliberately bad requests: neither is added to the total. ${paren}`, [
      ...kinds.map((k): [string, Pick, 'result'] => [k, (s) => String(s.errors[k] ?? 0), 'result']),
      ['total errors', (s) => String(countedTotal(s.errors)), 'result'],
    ]),
    stageTable(data, 'Connection reuse (1 - connections opened / requests completed)', paren, [
      ['client', (s) => ratio(s.reuse.client), 'result'],
      ['upstream', (s) => ratio(s.reuse.upstream), 'result'],
      ['gateway /metrics', (s) => ratio(s.reuse.gateway), 'result'],
      ['client conns opened', (s) => num(s.reuse.clientConnectionsOpened), 'result'],
      ['upstream conns opened', (s) => num(s.reuse.upstreamConnectionsOpened), 'result'],
      ['upstream requests', (s) => num(s.reuse.upstreamRequests), 'result'],
    ]),
    stageTable(data, 'Memory', `residency = heapUsed / RSS (this project's ratio); RSS / heapUsed is the seed article's ratio (its inverse). RSS is summed over the target's process tree. ${paren}`, [
      ['RSS', (s) => formatBytes(s.memory.rssBytes), 'result'],
      ['RSS max', (s) => formatBytes(s.memory.rssMaxBytes), 'result'],
      ['RSS / conn', (s) => formatBytes(s.memory.rssPerConnectionBytes), 'result'],
      ['heap used', (s) => formatBytes(s.memory.heapUsedBytes), 'result'],
      ['heap total', (s) => formatBytes(s.memory.heapTotalBytes), 'result'],
      ['residency heapUsed/RSS', (s) => pct(s.memory.residency), 'result'],
      ['RSS/heapUsed (seed)', (s) => (s.memory.rssOverHeap === null ? 'n/a' : `${s.memory.rssOverHeap.toFixed(2)}x`), 'result'],
      ['processes', (s) => num(s.memory.processes), 'diagnostic'],
      ['heap source', (s) => s.memory.heapSource, 'diagnostic'],
    ]),
    stageTable(data, 'Load-generator health', 'A stage whose generator fell behind is invalid: its figures are not results.', [
      ['valid', (s) => (s.generator.valid ? 'yes' : 'NO'), 'diagnostic'],
      ['send-lag p99', (s) => formatMs(s.generator.sendLagP99Ms), 'diagnostic'],
      ['send-lag max', (s) => formatMs(s.generator.sendLagMaxMs), 'diagnostic'],
      ['event-loop p99', (s) => formatMs(s.generator.eventLoopP99Ms), 'diagnostic'],
      ['worker CPU max', (s) => `${(s.generator.cpu * 100).toFixed(0)}%`, 'diagnostic'],
      ['workers', (s) => String(s.generator.workers), 'diagnostic'],
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
