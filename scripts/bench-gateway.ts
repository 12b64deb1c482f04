/**
 * `npm run bench:gateway`: the reference gateway side by side with every built baseline.
 *
 * Each implementation runs as one process on the gateway CPU (harness/placement.ts: the
 * last CPU; upstreams and generator share the others), behind the same mock upstreams,
 * with the same single valid JWT, driven by the open-model generator (not a closed loop),
 * route by route. Per cell it finds the capacity at the SLO with bounded probes
 * (harness/capacity.ts, as scenarios/feed-capacity.yaml does) and reports the bracket
 * around it, p99 at capacity and CPU µs per request of the gateway's process tree. Every
 * cell is a one-stage run of the harness's own runner (scripts/lib/gateway-bench/cell.ts).
 * `--runs N` repeats the whole sweep (interleaved, so drift on the machine reaches every
 * implementation alike) and reports medians and spreads; ratios against go-nethttp and of
 * the reference over each other implementation. `--help` for the flags.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { exitCodeOf, GwBenchError } from '../core/errors.js';
import { VERSION } from '../core/version.js';
import { availableCpus } from '../harness/env.js';
import { resolvePlacement } from '../harness/placement.js';
import { notBuiltReason } from '../harness/processes/built.js';
import { listImpls, type ImplInfo } from '../harness/processes/impls.js';
import { machineNote } from './lib/feature-bench.js';
import { runCell, type CellRun } from './lib/gateway-bench/cell.js';
import { benchMarkdown } from './lib/gateway-bench/markdown.js';
import { benchOptions, ROUTES, type BenchOptions } from './lib/gateway-bench/options.js';
import type { BenchReport } from './lib/gateway-bench/report.js';
import { ratios, summarizeCell } from './lib/gateway-bench/summary.js';

const SCRIPT = 'bench-gateway';

/** Why an implementation is left out of this run, or null to measure it. */
function skipReason(impl: ImplInfo, o: BenchOptions): string | null {
  if (o.impls && !o.impls.includes(impl.name)) return 'not in --impls';
  if (impl.contract === 'partial') return 'implements part of the contract only (impl.json contract: partial; e.g. no JWT check), so not the same work';
  return notBuiltReason(impl);
}

const stamp = (d: Date): string => d.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
const cellLine = (c: CellRun): string => c.status === 'failed'
  ? `failed: ${c.reason}`
  : `capacity ${c.capacityRps ?? 'none'}/s (bracket ${c.bracket.low ?? '-'}..${c.bracket.high ?? 'open'}, ${c.bracket.upper}), p99 ${c.p99AtCapacityMs?.toFixed(1) ?? '-'} ms, CPU ${c.cpuUsPerRequest?.toFixed(0) ?? '-'} µs/req`;

async function main(signal: AbortSignal): Promise<void> {
  const o = benchOptions(process.argv.slice(2));
  const all = listImpls();
  for (const name of o.impls ?? []) {
    if (!all.some((i) => i.name === name)) throw new GwBenchError('GW_ERR_USAGE', `--impls: ${JSON.stringify(name)} is not an implementation; available: ${all.map((i) => i.name).join(', ')}`);
  }
  const impls = all.map((i) => ({ info: i, skipped: skipReason(i, o) }));
  const measured = impls.filter((i) => i.skipped === null).map((i) => i.info.name);
  if (measured.length === 0) throw new GwBenchError('GW_ERR_USAGE', `nothing to measure: ${impls.map((i) => `${i.info.name} (${i.skipped})`).join('; ')}`);
  const startedAt = new Date();
  const dir = resolve(o.out ?? join('reports', `bench-gateway-${stamp(startedAt)}`));
  await mkdir(join(dir, 'cells'), { recursive: true });
  const cores = availableCpus().length;
  const loadStart = machineNote(cores);
  const say = (l: string): void => { process.stderr.write(`${l}\n`); };
  say(`bench:gateway: ${measured.join(', ')} x ${o.routes.join(', ')} x ${o.runs} run(s); ${loadStart}; output ${dir}`);
  for (const i of impls) if (i.skipped && i.skipped !== 'not in --impls') say(`  skipping ${i.info.name}: ${i.skipped}`);

  const runs: CellRun[] = [];
  for (let k = 1; k <= o.runs && !signal.aborted; k++) {
    for (const route of o.routes) {
      for (const impl of measured) {
        if (signal.aborted) break;
        const c = await runCell(o, impl, route, k, dir, signal);
        runs.push(c);
        say(`  run ${k}/${o.runs} ${ROUTES[route]!.label} ${impl}: ${cellLine(c)}`);
      }
    }
  }

  const cells = o.routes.flatMap((route) => measured.map((impl) => runs.filter((r) => r.impl === impl && r.route === route)).filter((rs) => rs.length > 0).map(summarizeCell));
  const missing = new Map(impls.filter((i) => i.skipped).map((i) => [i.info.name, `skipped: ${i.skipped}`]));
  const files = { json: join(dir, 'bench-gateway.json'), markdown: join(dir, 'bench-gateway.md'), cells: join(dir, 'cells') };
  const { impls: _i, out: _o, ...settings } = o;
  const report: BenchReport = {
    tool: 'gw-bench bench:gateway', version: VERSION, startedAt: startedAt.toISOString(), finishedAt: new Date().toISOString(),
    machine: { cpuModel: cpus()[0]?.model.trim() ?? 'unknown', cores, node: process.version, loadAverageStart: loadStart, loadAverageEnd: machineNote(cores) },
    placement: resolvePlacement({ gateway: 'auto', upstreams: 'auto', generator: 'auto' }, false),
    settings, routes: o.routes,
    impls: impls.map((i) => ({ name: i.info.name, skipped: i.skipped })),
    cells, runs, ratios: ratios(o.routes, all.map((i) => i.name), cells, missing), files,
  };
  const md = benchMarkdown(report);
  await writeFile(files.json, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(files.markdown, md);
  process.stdout.write(`\n${md}`);
  if (signal.aborted) process.exitCode = 130;
}

const ac = new AbortController();
const onSignal = (): void => { say2('interrupted: stopping the cell in progress, then writing what was measured'); ac.abort(); };
function say2(l: string): void { process.stderr.write(`${SCRIPT}: ${l}\n`); }
process.once('SIGINT', onSignal);
process.once('SIGTERM', onSignal);
main(ac.signal).catch((err: unknown) => {
  say2(err instanceof GwBenchError ? `${err.message} [${err.code}]` : (err as Error).message);
  process.exitCode = exitCodeOf(err);
});
