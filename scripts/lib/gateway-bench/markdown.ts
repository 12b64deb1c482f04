/** The Markdown of `bench:gateway`: settings and machine first, then the two tables. */
import { formatCount } from '../../../core/units.js';
import { markdownTable } from '../feature-bench.js';
import { ROUTES } from './options.js';
import { REFERENCE, YARDSTICK, type CellSummary, type Ratio, type Spread } from './summary.js';
import type { BenchReport } from './report.js';

const rps = (n: number | null): string => (n === null ? '-' : `${formatCount(Math.round(n))}/s`);
const spreadText = (s: Spread | null, fmt: (n: number) => string): string =>
  s === null ? 'n/a' : s.n === 1 ? fmt(s.median) : `${fmt(s.median)} (${fmt(s.min)}-${fmt(s.max)})`;
const ratioText = (r: Ratio | undefined): string => {
  if (!r) return '-';
  if (r.ratio === null) return `n/a (${r.reason})`;
  return `${r.ratio.toFixed(2)}x${r.range ? ` (${r.range.low.toFixed(2)}-${r.range.high.toFixed(2)})` : ''}`;
};

const cpuRatioText = (r: Ratio | undefined): string => (!r ? '-' : r.cpuRatio == null ? `n/a (${r.cpuReason ?? 'not measured'})` : `${r.cpuRatio.toFixed(2)}x`);

function bracketText(c: CellSummary): string {
  if (c.capacityRps === null) return c.bracket.high === null ? '-' : `< ${rps(c.bracket.high)} (${c.bracket.upper.join('/')})`;
  const edge = c.bracket.upper.join('/');
  return c.bracket.high === null ? `>= ${rps(c.bracket.low)} (${edge})` : `[${rps(c.bracket.low)}, ${rps(c.bracket.high)}) ${edge}`;
}

/** Max latency at half capacity; runs whose generator fell behind there give only a bound, and say so. */
function halfText(c: CellSummary): string {
  const t = spreadText(c.maxAtHalfMs ?? null, (n) => `${n.toFixed(1)} ms`);
  return c.maxAtHalfBehind ? `${t} (${c.maxAtHalfBehind} run(s) with the generator behind: upper bound)` : t;
}

export function benchMarkdown(r: BenchReport): string {
  const s = r.settings;
  const lines = [
    `# bench:gateway ${r.startedAt}`,
    '',
    `${r.machine.cpuModel}, ${r.machine.cores} cores, Node ${r.machine.node}; ${r.machine.loadAverageStart} at the start, ${r.machine.loadAverageEnd} at the end.`,
    `Placement: gateway ${r.placement.gateway ?? 'unpinned'}, upstreams ${r.placement.upstreams ?? 'unpinned'}, generator ${r.placement.generator ?? 'unpinned'} (${r.placement.method}); one gateway process per implementation.`,
    `Capacity at the SLO (p99 <= ${s.sloP99Ms} ms from intended send time, errors <= ${(s.sloErrorRate * 100).toFixed(2)}%, generator valid, or behind but with every planned request sent and p99 within the SLO, since its lag only adds latency): ${s.connections} connections, Poisson arrivals, probes ${rps(s.minRps)} doubling to ${rps(s.maxRps)} then bisecting, at most ${s.probes} probes of ${s.probeDurationMs / 1000} s${s.targetWarmupMs ? ` after ${s.targetWarmupMs / 1000} s of warm-up traffic at ${rps(s.minRps)}` : ''}; ${s.runs} run(s) per cell${s.quick ? ' (--quick: a try, not a result)' : ''}.`,
    '',
    'Capacity: median over runs (min-max). Bracket: capacity lies between the last passing and the first failing probe (medians over runs), and what failed at the upper edge (`generator`: the generator fell behind, so the gateway may go higher). p99 and CPU per request (user + system of the gateway\'s process tree) are from the probe at capacity; p99 is left out (n/a) of a run whose generator fell behind in that probe. Max at half capacity: the highest latency in one more probe at half the capacity found, after the search (the gateway with 2x headroom).',
    '',
    markdownTable(
      ['route', 'implementation', 'capacity', 'bracket', 'p99 at capacity', 'max at half capacity', 'CPU µs/req', `÷ ${YARDSTICK}`],
      // Left out on purpose (--impls) is said once below the table, not as a row per route.
      r.routes.flatMap((route) => r.impls.filter((i) => i.skipped !== 'not in --impls').map((i) => {
        const label = ROUTES[route]!.label;
        if (i.skipped) return [label, i.name, `skipped: ${i.skipped}`, '-', '-', '-', '-', '-'];
        const c = r.cells.find((x) => x.impl === i.name && x.route === route);
        if (!c) return [label, i.name, 'not measured', '-', '-', '-', '-', '-'];
        const vs = i.name === YARDSTICK ? (c.capacityRps === null ? '-' : '1.00x') : ratioText(r.ratios.find((x) => x.route === route && x.numerator === i.name && x.denominator === YARDSTICK));
        return [label, i.name, c.capacityRps === null ? `none (${c.reason})` : spreadText(c.capacityRps, rps), bracketText(c),
          spreadText(c.p99AtCapacityMs, (n) => `${n.toFixed(1)} ms`), halfText(c), spreadText(c.cpuUsPerRequest, (n) => n.toFixed(0)), vs];
      })),
    ),
    ...(r.impls.some((i) => i.skipped === 'not in --impls') ? ['', `Not in --impls: ${r.impls.filter((i) => i.skipped === 'not in --impls').map((i) => i.name).join(', ')}.`] : []),
    '',
    `Capacity of the reference gateway over each other implementation's (range from the brackets):`,
    '',
  ];
  const peers = r.impls.map((i) => i.name).filter((n) => n !== REFERENCE);
  lines.push(markdownTable(['route', ...peers.map((p) => `${REFERENCE} / ${p}`)],
    r.routes.map((route) => [ROUTES[route]!.label, ...peers.map((p) => ratioText(r.ratios.find((x) => x.route === route && x.numerator === REFERENCE && x.denominator === p)))])));
  lines.push('', 'CPU per request of the reference over each other implementation\'s (gateway process tree, user + system from /proc, medians of the probes at capacity; below 1x the reference spends less CPU per request). Measured also where capacity is only a lower bound:', '');
  lines.push(markdownTable(['route', ...peers.map((p) => `${REFERENCE} / ${p}`)],
    r.routes.map((route) => [ROUTES[route]!.label, ...peers.map((p) => cpuRatioText(r.ratios.find((x) => x.route === route && x.numerator === REFERENCE && x.denominator === p)))])));
  lines.push('', `JSON: ${r.files.json}; per-cell run folders (result.json, run.log) under ${r.files.cells}.`, '');
  return lines.join('\n');
}
