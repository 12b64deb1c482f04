/**
 * `npm run verify:gate`: measure the relative gate's error rates on this machine and write
 * docs/gate-power.md. Runs A/A gates (the reference gateway against itself: any exit 1 is a
 * false fail) and gates whose candidate carries an injected cost sized from a base
 * measurement: --debug-delay at +N% of the base p99, the debug CPU burn at +N% of the base
 * CPU per request. Gates of all groups are interleaved in a seeded order so drift of the
 * machine spreads over every group. The doc is rewritten after every gate.
 *
 *   npm run verify:gate [-- --aa 20 --per-effect 10 --effects 10,20,50 --kinds delay,cpu
 *                          --scenario scenarios/smoke.yaml --no-quick --stage 0
 *                          --pairs 8 --confirm-pairs 8 --base-runs 3 --out FILE]
 *
 * Defaults take hours (a gate is 16-32 full runs): run it on a quiet machine. A short run
 * (`--aa 2 --per-effect 1 --effects 50 --pairs 3 --confirm-pairs 3`) checks the tooling.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { mulberry32 } from '../core/prng.js';
import { PACKAGE_ROOT } from '../core/version.js';
import { runGate } from '../harness/gate/run-gate.js';
import { renderPowerDoc, type PowerRunInfo } from '../harness/gate/power/render.js';
import { summarize, type GateOutcome, type PowerGroup } from '../harness/gate/power/summary.js';
import { runScenario } from '../harness/run.js';

interface Args {
  aa: number; perEffect: number; effects: number[]; kinds: ('delay' | 'cpu')[];
  scenario: string; quick: boolean; stages: string[]; pairs?: number; confirmPairs?: number;
  baseRuns: number; out: string; seed: number; keep: boolean;
}

function usage(msg: string): never {
  process.stderr.write(`verify-gate: ${msg}\nusage: verify-gate [--aa N] [--per-effect N] [--effects 10,20,50] [--kinds delay,cpu] [--scenario FILE] [--no-quick] [--stage S]... [--pairs N] [--confirm-pairs N] [--base-runs N] [--seed N] [--keep] [--out FILE]\n`);
  process.exit(2);
}

function count(flag: string, v: string | undefined, min: number): number {
  const n = Number(v);
  if (v === undefined || !Number.isInteger(n) || n < min) usage(`${flag}: ${JSON.stringify(v)} is not a whole number >= ${min}`);
  return n;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { aa: 20, perEffect: 10, effects: [0.1, 0.2, 0.5], kinds: ['delay', 'cpu'], scenario: 'scenarios/smoke.yaml', quick: true, stages: [], baseRuns: 3, out: join(PACKAGE_ROOT, 'docs', 'gate-power.md'), seed: 2026, keep: false };
  for (let i = 0; i < argv.length; i++) {
    const f = argv[i]!;
    const v = (): string | undefined => argv[++i];
    if (f === '--aa') a.aa = count(f, v(), 0);
    else if (f === '--per-effect') a.perEffect = count(f, v(), 0);
    else if (f === '--base-runs') a.baseRuns = count(f, v(), 1);
    else if (f === '--pairs') a.pairs = count(f, v(), 2);
    else if (f === '--confirm-pairs') a.confirmPairs = count(f, v(), 0);
    else if (f === '--seed') a.seed = count(f, v(), 0);
    else if (f === '--effects') {
      const raw = v() ?? '';
      a.effects = raw.split(',').map((x) => Number(x) / 100);
      if (!raw || a.effects.some((e) => !(e > 0 && e <= 10))) usage(`--effects: ${JSON.stringify(raw)} is not a list of percentages like 10,20,50`);
    } else if (f === '--kinds') {
      const raw = (v() ?? '').split(',');
      if (raw.some((k) => k !== 'delay' && k !== 'cpu')) usage(`--kinds: ${JSON.stringify(raw.join(','))} must list delay and/or cpu`);
      a.kinds = raw as Args['kinds'];
    } else if (f === '--scenario') a.scenario = v() ?? usage('--scenario needs a file');
    else if (f === '--stage') a.stages.push(v() ?? usage('--stage needs a name or index'));
    else if (f === '--no-quick') a.quick = false;
    else if (f === '--keep') a.keep = true;
    else if (f === '--out') a.out = resolve(v() ?? usage('--out needs a file'));
    else usage(`unknown argument ${f}`);
  }
  return a;
}

const median = (xs: number[]): number => { const s = [...xs].sort((x, y) => x - y); const m = Math.floor(s.length / 2); return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2; };

/** The base's p99 and CPU per request: medians over runs of the median over measured stages. */
async function measureBase(a: Args, work: string, stageFilter: ((i: number) => boolean) | undefined, signal: AbortSignal): Promise<PowerRunInfo['base']> {
  const p99: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < a.baseRuns; i++) {
    const { result } = await runScenario({ scenarioFile: a.scenario, quick: a.quick, out: join(work, `base-${i}`), quiet: true, report: false, target: { impl: 'reference' }, stageFilter, signal });
    // Sizing needs a rough figure only: an invalid stage (generator behind) still sizes the
    // injected cost; the gates themselves judge validity.
    const valid = result.stages.filter((s) => s.status === 'ok');
    const ok = valid.length ? valid : result.stages.filter((s) => s.status === 'invalid');
    if (ok.length) p99.push(median(ok.map((s) => s.latencyMs.p99)));
    const c = ok.map((s) => s.cpu?.perRequestUs).filter((x): x is number => typeof x === 'number');
    if (c.length) cpu.push(median(c));
    process.stderr.write(`verify-gate: base run ${i + 1}/${a.baseRuns}: p99 ${p99.at(-1)?.toFixed(2) ?? 'invalid'} ms, CPU ${cpu.at(-1)?.toFixed(0) ?? 'n/a'} us/request\n`);
  }
  if (!p99.length) throw new Error('no base run measured a stage: the machine cannot carry the scenario now');
  return { p99Ms: median(p99), cpuUs: cpu.length ? median(cpu) : null, runs: a.baseRuns };
}

interface Planned { group: PowerGroup; effect: number }

function plan(a: Args): Planned[] {
  const list: Planned[] = Array.from({ length: a.aa }, () => ({ group: 'aa' as const, effect: 0 }));
  for (const kind of a.kinds) for (const e of a.effects) for (let i = 0; i < a.perEffect; i++) list.push({ group: kind, effect: e });
  const rnd = mulberry32(a.seed);
  for (let i = list.length - 1; i > 0; i--) { const j = Math.floor(rnd() * (i + 1)); [list[i], list[j]] = [list[j]!, list[i]!]; }
  return list;
}

async function main(): Promise<void> {
  const a = parseArgs(process.argv.slice(2));
  const ac = new AbortController();
  process.once('SIGINT', () => ac.abort());
  process.once('SIGTERM', () => ac.abort());
  const work = join(tmpdir(), `gw-bench-verify-gate-${process.pid}`);
  await mkdir(work, { recursive: true });
  const { loadScenario } = await import('../core/scenario/load.js');
  const { selectStages } = await import('../harness/gate/run-gate.js');
  const stageFilter = selectStages(await loadScenario(a.scenario), a.stages);
  const info: PowerRunInfo = {
    command: `npm run verify:gate -- ${process.argv.slice(2).join(' ')}`.trim(),
    startedAt: new Date().toISOString(), finishedAt: '', finished: false,
    machine: `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}`,
    loadAvg: { start: loadavg(), end: loadavg() },
    scenario: `${relative(PACKAGE_ROOT, resolve(a.scenario))}${a.quick ? ' --quick' : ''}${a.stages.length ? ` --stage ${a.stages.join(' --stage ')}` : ' (all stages)'}`,
    design: `${a.pairs ?? 'scenario/default'} pairs${a.confirmPairs === undefined ? '' : ` + ${a.confirmPairs} confirmation pairs`} (unset: the scenario's gate.relative or 8 + 8), default metrics and limits, invalid trials re-run up to 2 times, --on-inconclusive fail`,
    base: { p99Ms: 0, cpuUs: null, runs: a.baseRuns },
    planned: { aa: a.aa, perEffect: a.perEffect, effects: a.effects, kinds: a.kinds },
  };
  const outcomes: GateOutcome[] = [];
  let designSet = false;
  const write = async (): Promise<void> => {
    info.finishedAt = new Date().toISOString();
    info.loadAvg.end = loadavg();
    await writeFile(a.out, renderPowerDoc(info, summarize(outcomes), outcomes));
  };
  try {
    info.base = await measureBase(a, work, stageFilter, ac.signal);
    const gates = plan(a);
    for (const [i, g] of gates.entries()) {
      if (ac.signal.aborted) break;
      const injected = g.group === 'delay' ? g.effect * info.base.p99Ms : g.group === 'cpu' ? g.effect * (info.base.cpuUs ?? NaN) : 0;
      if (g.group === 'cpu' && !Number.isFinite(injected)) throw new Error('the base runs carry no CPU per request: cannot size the CPU burn');
      const candidate = g.group === 'delay' ? { impl: 'reference', debugDelayMs: injected } : g.group === 'cpu' ? { impl: 'reference', debugCpuUs: Math.round(injected) } : { impl: 'reference' };
      const out = join(work, `gate-${String(i).padStart(3, '0')}`);
      const t0 = Date.now();
      process.stderr.write(`verify-gate: gate ${i + 1}/${gates.length}: ${g.group}${g.group === 'aa' ? '' : ` +${Math.round(g.effect * 100)}%`} ... `);
      let o: GateOutcome;
      try {
        const run = await runGate({
          scenarioFile: a.scenario, quick: a.quick, stages: a.stages, pairs: a.pairs, confirmPairs: a.confirmPairs, seed: a.seed + i + 1,
          out, runScenario, onInconclusive: 'fail', signal: ac.signal, targets: { base: { impl: 'reference' }, candidate },
        });
        const r = run.report;
        const noisy = r.comparisons.filter((c) => c.verdict === 'inconclusive').map((c) => `${c.stageName}/${c.metric} ${c.ratio === null ? '' : `[${(((c.lower ?? 1) - 1) * 100).toFixed(0)}%, ${(((c.upper ?? 1) - 1) * 100).toFixed(0)}%]`}`.trim());
        const why = r.verdict.status === 'inconclusive' ? (noisy.length ? `too noisy: ${noisy.join(', ')}` : r.verdict.reasons[0] ?? '') : r.verdict.exitCode > 1 ? r.verdict.reasons[0] ?? '' : '';
        if (r.design && !designSet) { info.design = `${r.design.pairs} pairs + ${r.design.confirmPairs} confirmation pairs when suspect, metrics ${Object.entries(r.design.metrics).map(([m, l]) => `${m} (fail +${Math.round(l.fail * 100)}%)`).join(', ')}, invalid trials re-run up to ${r.design.rerunInvalid} times, --on-inconclusive fail`; designSet = true; }
        o = { group: g.group, effect: g.effect, injected, status: r.verdict.status, exitCode: run.exitCode, wallS: (Date.now() - t0) / 1000, trials: r.trials.length, reruns: r.trials.filter((t) => t.attempt > 0).length, caughtBy: [...new Set(r.comparisons.filter((c) => c.verdict === 'regression').map((c) => c.metric))], why };
      } catch (err) {
        o = { group: g.group, effect: g.effect, injected, status: 'error', exitCode: 5, wallS: (Date.now() - t0) / 1000, trials: 0, reruns: 0, caughtBy: [], why: (err as Error).message.split('\n')[0] ?? '' };
      }
      outcomes.push(o);
      process.stderr.write(`${o.status} (exit ${o.exitCode}) in ${o.wallS.toFixed(0)} s${o.caughtBy.length ? `, caught by ${o.caughtBy.join(', ')}` : ''}\n`);
      if (!a.keep) await rm(join(out, 'trials'), { recursive: true, force: true });
      await write();
    }
    info.finished = !ac.signal.aborted;
    await write();
    process.stderr.write(`verify-gate: wrote ${a.out}${a.keep ? `; gate folders in ${work}` : ''}\n`);
  } finally {
    if (!a.keep) await rm(work, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`verify-gate: ${(err as Error)?.message ?? String(err)}\n`);
  process.exit(5);
});
