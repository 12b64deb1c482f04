import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GwBenchError, TargetError } from '../core/errors.js';
import { loopbackUrl } from '../core/loopback.js';
import { RESULT_SCHEMA_VERSION, type RunResult, type RunStatus, type StageResult, type TargetInfo } from '../core/result.js';
import { quickScenario } from '../core/scenario/quick.js';
import type { Scenario, StageSpec } from '../core/scenario/types.js';
import { VERSION } from '../core/version.js';
import { LoadGenerator, stageAtRate, writeHlog } from '../loadgen/index.js';
import type { StagePlan, StageProgress } from '../loadgen/types.js';
import { capacityStage, probeWindowMs, type Measured } from './capacity.js';
import { capacityWarnings, readCalibration } from './calibrate.js';
import { hostWarnings } from './host-checks.js';
import { contractCheck } from './contract-check.js';
import { availableCpus, envFingerprint } from './env.js';
import { LiveMetrics } from './live-metrics.js';
import { RunOutput } from './output.js';
import { resolvePlacement } from './placement.js';
import { bindStage } from './plan.js';
import { loadCheckedScenario, planRun } from './scenario-checks.js';
import { establishedOnPort, fdLimit } from './procfs.js';
import { Progress } from './progress.js';
import { Sampler, type Sample } from './sampler.js';
import { buildStageResult, hlogName, skippedStage } from './stage-result.js';
import { formatSummary } from './summary.js';
import { verdictOf } from './verdict.js';
import { externalTarget, buildImpl, startGateway, type RunningTarget } from './processes/gateway.js';
import { findImpl, listImpls, type ImplInfo } from './processes/impls.js';
import { connectionsPerProcess, stageWorkers, workerSizing } from './worker-sizing.js';
import { resizeTarget } from './target-resize.js';
import { startUpstreams, type RunningUpstreams } from './processes/upstreams.js';
import { makeJwtSetup } from './tokens.js';
import { withOwnAuth } from './own-auth.js';
import { plainExternalTarget, startOwnTarget } from './processes/command.js';
import { runTargetWarmup } from './warmup.js';
import { cpuListMembers } from '../core/processes/taskset.js';

export interface RunOptions {
  scenarioFile: string;
  quick?: boolean;
  out?: string;
  quiet?: boolean;
  seed?: number;
  target?: {
    impl: string;
    url?: string;
    pid?: number;
    metricsUrl?: string;
    command?: { cmd: string; args: string[]; cwd?: string; env?: Record<string, string> };
    cwd?: string; skipBuild?: boolean; // target.command: start it here, not in target.cwd; the gate built it (bench:gateway: skips unbuilt baselines)
    debugDelayMs?: number;
    /** Reference gateway only: CPU (us) burnt before each proxied request (tests the gate). */
    debugCpuUs?: number;
    workers?: number;
  };
  /** Client connections per gateway process for `workers: auto` (default: half the open-files limit); tests lower it. */
  connectionsPerProcess?: number;
  placement?: Partial<Record<'gateway' | 'upstreams' | 'generator', string>>;
  stageFilter?: (stageIndex: number) => boolean;
  signal?: AbortSignal;
  /** Highest error rate of a measured stage before the run counts as a target failure (exit 4). */
  maxErrorRate?: number;
  metricsPort?: number;
  /** Listen address of the live metrics (default 127.0.0.1). */
  metricsHost?: string;
  /** Render report.html/report.md at the end (default true). */
  report?: boolean;
  /** Extra notes for the progress stream (tests use this to know the target pid). */
  onTarget?: (t: { pid: number | null; url: string }) => void;
  doctor?: boolean;
  /** Exit 0 even when stages are invalid (exploratory use); the result still says incomplete. */
  allowInvalid?: boolean;
  summaryStream?: NodeJS.WritableStream; // end-of-run summary (default stdout; run --json: stderr)
}

export interface RunOutcome { result: RunResult; dir: string; exitCode: number }

/**
 * Run a scenario end to end: start upstreams and the target with explicit placement, check
 * the contract, step through the stages, and write every finished stage before the next
 * begins. Never throws after measurement started: failures become the result's status.
 */
export async function runScenario(opts: RunOptions): Promise<RunOutcome> {
  const loaded = await loadCheckedScenario(opts.scenarioFile);
  let scenario: Scenario = opts.quick ? quickScenario(loaded) : loaded;
  if (opts.seed !== undefined) scenario = { ...scenario, load: { ...scenario.load, seed: opts.seed } };
  // Usage problems (unknown target, off-loopback URL, a plan the generator cannot hold)
  // fail here with exit 2, before any output folder or process exists.
  const implName = opts.target?.impl ?? (opts.target?.url ? 'external' : scenario.target.impl);
  const external = implName === 'external';
  const own = implName === 'command' ? scenario.target.command : null; // without one, findImpl names the choices
  const impl: ImplInfo | null = external || own ? null : findImpl(implName);
  if (external) loopbackUrl(opts.target?.url ?? scenario.target.url ?? '', opts.target?.url ? '--url' : 'target.url');
  const activeStages = scenario.load.stages.filter((s) => !opts.stageFilter || opts.stageFilter(s.index));
  const maxConns = Math.max(...activeStages.map((s) => s.connections));
  const placement = resolvePlacement({ ...scenario.placement, ...opts.placement }, external);
  const genCpus = placement.generator ? cpuListMembers(placement.generator).length : availableCpus().length; // "0-3" is four CPUs
  const plan = planRun(scenario, activeStages, opts.scenarioFile, genCpus);
  const gen = plan.generator;
  const perProcess = opts.connectionsPerProcess ?? connectionsPerProcess(await fdLimit(), impl?.balancedAccept);
  const sizing = own ? { mode: 'fixed' as const, fixed: opts.target?.workers ?? (scenario.target.workers === 'auto' ? 1 : scenario.target.workers), perProcess }
    : workerSizing({ impl, requested: opts.target?.workers ?? scenario.target.workers, perProcess, maxConnections: maxConns, doctor: opts.doctor });
  const firstMeasured = activeStages.find((s) => impl?.maxConnections == null || s.connections <= impl.maxConnections) ?? activeStages[0]!;
  const workersForGateway = stageWorkers(sizing, firstMeasured.connections);

  const out = await RunOutput.create(scenario.name + (opts.quick ? '-quick' : ''), opts.out);
  const progress = new Progress(Boolean(opts.quiet));
  const startedAt = new Date();
  const runStartMs = startedAt.getTime();
  out.line(`gw-bench ${VERSION} run ${opts.scenarioFile}${opts.quick ? ' --quick' : ''}`);

  const env = await envFingerprint(placement);
  const stages: StageResult[] = [];
  const tmp = await mkdtemp(join(tmpdir(), 'gw-bench-run-'));
  let upstreams: RunningUpstreams | null = null;
  let target: RunningTarget | null = null;
  /** Starts the owned implementation with N processes (again, when a stage needs another count). */
  let startImplAt: ((workers: number) => Promise<RunningTarget>) | null = null;
  let lg: LoadGenerator | null = null;
  let sampler: Sampler | null = null;
  let live: LiveMetrics | null = null;
  let status: RunStatus = 'complete';
  let failure: GwBenchError | null = null;
  /** The stage being measured, so a failure inside it is recorded against it. */
  let current: StageSpec | null = null;
  let warmup: RunResult['warmup'] = null;
  let targetInfo: TargetInfo = {
    impl: implName, version: impl?.version ?? 'unknown', command: impl ? [impl.run.cmd, ...impl.run.args].join(' ') : own ? own.command : '(external)',
    url: opts.target?.url ?? scenario.target.url ?? '', pid: opts.target?.pid ?? scenario.target.pid, workers: workersForGateway, metricsUrl: opts.target?.metricsUrl ?? scenario.target.metricsUrl,
  };

  const result = (): RunResult => ({
    schemaVersion: RESULT_SCHEMA_VERSION,
    tool: { name: 'gw-bench', version: VERSION },
    status,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    scenario: { name: scenario.name, file: opts.scenarioFile, quick: Boolean(opts.quick), spec: scenario },
    target: targetInfo,
    env,
    stages,
    verdict: verdictOf(status, stages, failure, opts.maxErrorRate ?? 0.1, opts.allowInvalid === true),
    ...(scenario.target.warmup ? { warmup } : {}),
  });

  try {
    progress.note(`gw-bench: ${scenario.name}${opts.quick ? ' (quick)' : ''}: ${activeStages.length} stages, up to ${maxConns} connections; generator ${gen.workers} worker(s); target ${implName}${workersForGateway ? ` x${workersForGateway}` : ''}; output ${out.dir}`);
    for (const w of [...capacityWarnings(readCalibration(), activeStages, gen.workers, genCpus), ...hostWarnings()]) { progress.note(`warning: ${w}`); out.line(`warning: ${w}`); }
    const jwt = await makeJwtSetup({ alg: scenario.auth.alg, count: scenario.auth.tokens, ttlMs: scenario.auth.ttlMs, dir: tmp });
    jwt.tokens = withOwnAuth(jwt.tokens, scenario.auth);
    if (external) {
      target = await (scenario.target.contract === 'none' ? plainExternalTarget : externalTarget)(targetInfo.url, targetInfo.pid, targetInfo.metricsUrl);
    } else if (own) {
      ({ target, upstreams } = await startOwnTarget({ scenario, spec: own, jwtEnv: jwt.env, dir: tmp, placement, workers: workersForGateway!, log: out.log, note: (m) => progress.note(m), cwd: opts.target?.cwd, skipBuild: opts.target?.skipBuild, signal: opts.signal }));
    } else {
      upstreams = await startUpstreams({ specs: scenario.upstreams, seed: scenario.load.seed, cpus: placement.upstreams, log: out.log });
      if (impl!.build && !opts.target?.skipBuild) { progress.note(`building ${impl!.name}...`); await buildImpl(impl!, out.log); }
      const env = { ...upstreams.env, ...jwt.env };
      const doctor = opts.doctor ? { command: await doctorCommand(impl!, out.dir), stopGraceMs: 60_000 } : {};
      startImplAt = (workers: number) => startGateway({
        impl: impl!, env, workers, cpus: placement.gateway, log: out.log,
        debugDelayMs: opts.target?.debugDelayMs, debugCpuUs: opts.target?.debugCpuUs, command: opts.target?.command,
        ...doctor,
      });
      target = await startImplAt(workersForGateway!);
    }
    targetInfo = { ...targetInfo, url: target.url, pid: target.pid, command: target.command, metricsUrl: target.metricsUrl, workers: target.workers };
    opts.onTarget?.({ pid: target.pid, url: target.url });
    out.line(`target ${target.impl} at ${target.url} pid ${target.pid ?? '-'}`);

    // A broken target fails here (exit 4) instead of producing numbers.
    await contractCheck({ url: target.url, jwt, upstreams });

    // An external target's runtime is unknown: look for any implementation's heap metrics.
    const heapMetrics = impl ? [impl.heapMetrics] : listImpls().map((i) => i.heapMetrics);
    const startSampler = (t: RunningTarget): Sampler => { const sm = new Sampler({ pid: t.pid, metricsUrl: t.metricsUrl, upstreamStats: upstreams ? () => upstreams!.admin.stats() : null, heapMetrics }); sm.start(); return sm; };
    sampler = startSampler(target);
    if (opts.metricsPort !== undefined) live = await LiveMetrics.start(opts.metricsPort, { host: opts.metricsHost });
    const tu = new URL(target.url);
    let dest = { host: tu.hostname, port: Number(tu.port) };
    lg = await LoadGenerator.start({ workers: gen.workers, cpuList: placement.generator ?? undefined, sourceAddresses: gen.sourceAddresses });
    if (scenario.target.warmup && plan.stages[0] && !opts.signal?.aborted) {
      progress.note(`target warm-up: ${scenario.target.warmup.durationMs / 1000} s at ${scenario.target.warmup.rps}/s (counted in no stage)`);
      warmup = await runTargetWarmup({ lg, plan, first: plan.stages[0], spec: scenario.target.warmup, dest, tokens: jwt.tokens, signal: opts.signal, maxConnections: impl?.maxConnections });
    }

    for (const [i, spec] of activeStages.entries()) {
      if (opts.signal?.aborted) break;
      current = spec;
      if (impl?.maxConnections != null && spec.connections > impl.maxConnections) {
        const st = skippedStage(spec, 'not-reached', `${impl.name} holds at most ${impl.maxConnections} connections here${impl.maxConnectionsReason ? ` (${impl.maxConnectionsReason})` : ''}`);
        stages.push(st);
        await out.appendStage(st);
        progress.note(`stage ${i + 1}/${activeStages.length} ${spec.name}: not reached - ${st.reasons[0]}`);
        continue;
      }
      // auto sizing: the fewest processes for this stage's connections (harness/worker-sizing.ts)
      const resized = startImplAt ? await resizeTarget({ target: target!, want: stageWorkers(sizing, spec.connections), start: startImplAt, note: (l) => { progress.note(l); out.line(l); } }) : null;
      const tgt: RunningTarget = resized ?? target!;
      if (resized) {
        await sampler!.stop();
        target = tgt;
        sampler = startSampler(tgt);
        dest = { host: dest.host, port: Number(new URL(tgt.url).port) };
        targetInfo = { ...targetInfo, url: tgt.url, pid: tgt.pid, workers: Math.max(targetInfo.workers ?? 0, tgt.workers ?? 0) };
        opts.onTarget?.({ pid: tgt.pid, url: tgt.url });
      }
      const stageTarget = { workers: tgt.workers, sizing: sizing.mode, restarted: resized !== null };
      const onProgress = (p: StageProgress) => { progress.update(p, spec.name); live?.update(p, spec.name); };
      const runOne = async (plan: StagePlan, label: string): Promise<Measured> => {
        progress.stageStart(i, activeStages.length, label, plan.warmupMs + plan.durationMs);
        // Counters (upstream and gateway reuse, target CPU) are read at the measurement
        // window's own edges, so ramp, warm-up and drain stay out of every per-window figure.
        const edges: Partial<Record<'start' | 'end', Promise<Sample>>> = {};
        const before = await sampler!.sampleNow();
        const m = await lg!.runStage(plan, {
          onProgress, signal: opts.signal,
          onWindow: (edge) => {
            // the mock upstreams count connections carrying requests from this mark on
            const mark = edge === 'start' && upstreams ? upstreams.admin.control({ action: 'mark-window' }).catch(() => undefined) : Promise.resolve();
            edges[edge] = mark.then(() => sampler!.sampleNow(edge === 'end'));
          },
        });
        const after = await sampler!.sampleNow();
        return { m, before: (await edges.start) ?? before, after: (await edges.end) ?? after };
      };

      let st: StageResult;
      if (spec.rate === 'capacity') {
        const cap = scenario.load.capacity;
        const runProbe = (rate: number, k: number) => runOne(
          bindStage(plan, stageAtRate(plan, plan.stages[i]!, rate, { durationMs: probeWindowMs(cap.probeDurationMs, spec.connections, rate), warmupMs: Math.min(spec.warmupMs, 1000), probe: k + 1 }), dest, jwt.tokens),
          `${spec.name} probe ${k + 1} @${rate}/s`);
        st = await capacityStage({ s: scenario, spec, runProbe, sampler, runStartMs, dir: out.dir, note: (l) => progress.note(l), heapReason: impl?.heapReason });
      } else {
        const { m, before, after } = await runOne(bindStage(plan, plan.stages[i]!, dest, jwt.tokens), spec.name);
        const hlog = hlogName(spec);
        await writeHlog(join(out.dir, hlog), m.intervals, m.measureStartEpochMs, spec.name);
        const serverSide = await establishedOnPort(dest.port, dest.host).catch(() => null);
        st = buildStageResult({ spec, measurement: m, sampler, before, after, runStartMs, hlog, engine: scenario.load.engine, serverSideConnections: serverSide, limits: scenario.generator, heapReason: impl?.heapReason });
      }
      st = { ...st, target: stageTarget };
      if (opts.signal?.aborted) { st = { ...st, status: 'interrupted', reasons: [...st.reasons, 'interrupted (Ctrl-C) during this stage: numbers cover part of the window'] }; }
      if (!tgt.alive()) st = { ...st, status: 'failed', reasons: [...st.reasons, `target died during the stage (${tgt.describeExit()})`] };
      stages.push(st);
      await out.appendStage(st);
      await out.writeResult({ ...result(), status: 'interrupted' }); // a crash after this line still leaves every finished stage
      progress.stageEnd(`stage ${i + 1}/${activeStages.length} ${spec.name}: ${st.status}; p99 ${st.latencyMs.p99.toFixed(2)} ms, achieved ${st.achievedRps.toFixed(0)}/s, errors ${(st.errorRate * 100).toFixed(2)}%${st.reasons.length ? ` - ${st.reasons.join('; ')}` : ''}`);
      current = null;
      if (st.status === 'failed') throw new TargetError('GW_ERR_TARGET_CRASHED', `target ${tgt.impl} exited during stage ${spec.name} (${tgt.describeExit()})`, tgt.lastLines());
    }
    if (opts.signal?.aborted) status = 'interrupted';
    else if (stages.some((st) => st.status === 'invalid')) status = 'incomplete';
  } catch (e) {
    if (opts.signal?.aborted && !(e instanceof TargetError)) status = 'interrupted';
    else {
      status = 'failed';
      failure = e instanceof GwBenchError ? e : new GwBenchError('GW_ERR_INTERNAL', (e as Error).message, { cause: e });
      // The stage that was running (e.g. a generator worker died) is kept as failed, with the reason.
      if (current) {
        const st = skippedStage(current, 'failed', `${failure.code}: ${failure.message}`);
        stages.push(st);
        await out.appendStage(st).catch(() => undefined);
      }
      out.line(`failed: ${failure.code} ${failure.message}\n${failure.details.join('\n')}\n${(e as Error).stack ?? ''}`);
    }
  } finally {
    progress.stop();
    await live?.stop();
    await sampler?.stop();
    await lg?.close().catch(() => undefined);
    await target?.stop().catch(() => undefined);
    await upstreams?.process.stop().catch(() => undefined);
    await rm(tmp, { recursive: true, force: true });
  }

  const final = result();
  await out.writeResult(final);
  if (opts.report !== false && stages.length) {
    // Loaded only here: rendering pulls in chart.js and the canvas binding.
    await import('./report/run-folder.js')
      .then((r) => r.reportRun({ result: final, dir: out.dir, name: scenario.name, compare: scenario.compare, log: (l) => out.line(l) }))
      .catch((e) => out.line(`report failed: ${(e as Error).stack}`));
  }
  out.line(`done: ${final.status}, exit ${final.verdict.exitCode}`);
  if (!opts.quiet) (opts.summaryStream ?? process.stdout).write(`${formatSummary(final, out.dir)}\n`);
  if (failure && !opts.quiet) {
    process.stderr.write(`gw-bench: ${failure.message} [${failure.code}]\n`);
    for (const d of failure.details) process.stderr.write(`  ${d}\n`);
  }
  await out.close();
  return { result: final, dir: out.dir, exitCode: final.verdict.exitCode };
}

async function doctorCommand(impl: ImplInfo, dir: string): Promise<{ cmd: string; args: string[]; cwd?: string }> {
  if (impl.name !== 'reference') throw new GwBenchError('GW_ERR_USAGE', `--doctor: Clinic Doctor profiles Node.js processes; target ${impl.name} is not the reference gateway`);
  const { doctorWrap } = await import('./doctor.js');
  return doctorWrap(impl, dir);
}
