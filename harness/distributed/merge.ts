import { join } from 'node:path';
import { GwBenchError } from '../../core/errors.js';
import { RESULT_SCHEMA_VERSION, type RunResult, type StageResult } from '../../core/result.js';
import type { Scenario, StageSpec } from '../../core/scenario/types.js';
import { VERSION } from '../../core/version.js';
import { writeHlog } from '../../loadgen/index.js';
import type { WorkerResult } from '../../loadgen/messages.js';
import { mergeStage } from '../../loadgen/merge.js';
import { stageFields } from '../../loadgen/plan/check.js';
import { envFingerprint } from '../env.js';
import { RunOutput } from '../output.js';
import { buildStageResult, hlogName, skippedStage } from '../stage-result.js';
import { verdictOf } from '../verdict.js';
import { readAgentReport, readStageFile } from './files.js';
import { noTargetSampler, noTargetSample, worstOffset, type AgentSummary } from './merge-parts.js';
import type { AgentReport, AgentStageFile } from './types.js';

/**
 * `gw-bench merge`: one result.json and report from every agent's output, exactly as a
 * local run writes them. For each stage every agent's raw worker results are concatenated
 * and given to the same mergeStage() a local run uses, so histograms are added, never
 * averaged. A stage is invalid if any agent is missing, failed, started late or was itself
 * invalid; the reasons name the agent.
 */

export interface MergeOptions {
  dirs: string[];
  expectAgents?: number;
  outDir: string;
  report?: boolean;
  log?: (line: string) => void;
}

export interface MergeOutcome { result: RunResult; dir: string; exitCode: number; agents: AgentSummary[]; worstClockOffsetMs: number | null }

async function loadReports(dirs: string[]): Promise<Map<number, { dir: string; report: AgentReport }>> {
  const byAgent = new Map<number, { dir: string; report: AgentReport }>();
  for (const dir of dirs) {
    const report = await readAgentReport(join(dir, 'agent.json'));
    if (report === null) continue; // a folder without agent.json: that agent is reported missing below
    const prior = byAgent.get(report.agent);
    if (prior) throw new GwBenchError('GW_ERR_USAGE', `merge: ${prior.dir} and ${dir} both hold agent ${report.agent}`);
    byAgent.set(report.agent, { dir, report });
  }
  return byAgent;
}

/** One stage over all agents: the merged StageResult. */
async function mergeOneStage(spec: StageSpec, n: number, reports: Map<number, { dir: string; report: AgentReport }>, runStartMs: number, hlogDir: string, worst: number | null): Promise<StageResult> {
  const reasons: string[] = [];
  const results: WorkerResult[] = [];
  let workers = 0;
  let any: AgentReport | null = null;
  for (let k = 0; k < n; k++) {
    const got = reports.get(k);
    if (!got) { reasons.push(`agent ${k} missing (no agent.json in the merged folders)`); continue; }
    any ??= got.report;
    const entry = got.report.stages.find((s) => s.index === spec.index);
    if (!entry) { reasons.push(`agent ${k} has no record of stage ${spec.name} (it stopped or died before it)`); continue; }
    if (entry.failed) reasons.push(entry.failed);
    if (entry.late) reasons.push(entry.late);
    if (!entry.file) continue;
    const f = await readStageFile<AgentStageFile>(join(got.dir, entry.file));
    // Window times onto the coordinator's clock; latencies stay as each agent measured them.
    for (const r of f.results) results.push({ ...r, measureStartEpochMs: r.measureStartEpochMs + f.clockOffsetMs, measureEndEpochMs: r.measureEndEpochMs + f.clockOffsetMs });
    workers += got.report.workers;
    const own = mergeStage(stagePlanOf(got.report, spec), f.results, got.report.workers);
    // Short: the merged health's full reasons follow; this says which agent fell behind.
    if (!own.generator.valid) reasons.push(`agent ${k} generator invalid (${own.generator.reasons.map((r) => r.split(' (')[0]).join(', ')})`);
  }
  const distributed = { agents: n, agentsMerged: [...reports.keys()].sort((a, b) => a - b), worstClockOffsetMs: worst };
  if (any === null || results.length === 0) {
    const st = skippedStage(spec, 'failed', reasons.join('; ') || 'no agent measured this stage');
    return { ...st, status: 'invalid', reasons: reasons.length ? reasons : st.reasons, generator: { ...st.generator, distributed } as StageResult['generator'] };
  }
  const whole = { ...stagePlanOf(any, spec), connections: spec.connections, rate: spec.rate as number };
  const m = mergeStage(whole, results, workers);
  const hlog = hlogName(spec);
  await writeHlog(join(hlogDir, hlog), m.intervals, m.measureStartEpochMs, spec.name);
  const sc = any.plan.scenario;
  const st = buildStageResult({
    spec, measurement: m, sampler: noTargetSampler(), before: noTargetSample(), after: noTargetSample(), runStartMs, hlog,
    engine: sc.load.engine, serverSideConnections: null, limits: sc.generator, extraReasons: reasons,
    ...(reasons.length ? { status: 'invalid' as const } : {}),
  });
  return { ...st, generator: { ...st.generator, distributed } as StageResult['generator'] };
}

/** The StagePlan fields mergeStage reads (index, health, duration), from an agent's own share. */
function stagePlanOf(r: AgentReport, spec: StageSpec) {
  const planned = r.plan.plan.stages.find((s) => s.index === spec.index)!;
  return { ...stageFields(r.plan.plan, planned), rate: planned.rate as number, target: { host: '', port: 0 }, tokens: { valid: [], expired: [], badSignature: [] } };
}

export async function mergeAgents(o: MergeOptions): Promise<MergeOutcome> {
  const reports = await loadReports(o.dirs);
  if (reports.size === 0) throw new GwBenchError('GW_ERR_USAGE', `merge: no agent.json in ${o.dirs.join(', ') || '(no folders given)'}`);
  const first = [...reports.values()][0]!.report;
  const n = o.expectAgents ?? first.agents;
  if (first.agents !== n) throw new GwBenchError('GW_ERR_USAGE', `--expect-agents: ${n}, but the agents' plans were made for ${first.agents}`);
  for (const { dir, report } of reports.values()) {
    if (report.agents !== n || report.plan.scenario.name !== first.plan.scenario.name || report.plan.startAtEpochMs !== first.plan.startAtEpochMs) {
      throw new GwBenchError('GW_ERR_USAGE', `merge: ${dir} (agent ${report.agent}) belongs to another run (agents, scenario or start time differ)`);
    }
  }
  const scenario: Scenario = first.plan.scenario;
  const summaries: AgentSummary[] = [...reports.values()].map(({ dir, report }) => ({ agent: report.agent, dir, hostname: report.hostname, workers: report.workers, clock: report.clock, stages: report.stages }));
  const worst = worstOffset(summaries);
  const out = await RunOutput.create(`${scenario.name}-merged`, o.outDir);
  const startedAt = new Date(first.plan.startAtEpochMs);
  const stages: StageResult[] = [];
  for (const spec of scenario.load.stages) {
    const st = await mergeOneStage(spec, n, reports, startedAt.getTime(), out.dir, worst.ms);
    stages.push(st);
    await out.appendStage(st);
    o.log?.(`stage ${spec.name}: ${st.status}; p99 ${st.latencyMs.p99.toFixed(2)} ms, ${st.requests} requests${st.reasons.length ? ` - ${st.reasons.join('; ')}` : ''}`);
  }
  const result: RunResult = {
    schemaVersion: RESULT_SCHEMA_VERSION, tool: { name: 'gw-bench', version: VERSION }, status: 'complete',
    startedAt: startedAt.toISOString(), finishedAt: new Date().toISOString(),
    scenario: { name: scenario.name, file: first.plan.scenarioFile, quick: false, spec: scenario },
    target: { impl: 'external', version: 'unknown', command: `(${n} distributed agents)`, url: first.plan.target, pid: null, workers: null, metricsUrl: null },
    env: await envFingerprint({ gateway: null, upstreams: null, generator: null, method: `distributed: ${n} agent(s); env is the merging machine's` }),
    stages,
    verdict: verdictOf('complete', stages, null, 0.1),
  };
  await out.writeResult(result);
  await out.writeJson('distributed.json', { agents: n, merged: summaries, missing: Array.from({ length: n }, (_, k) => k).filter((k) => !reports.has(k)), worstClockOffsetMs: worst.ms, clockNote: worst.note });
  if (o.report !== false) {
    await import('../report/run-folder.js')
      .then((r) => r.reportRun({ result, dir: out.dir, name: `${scenario.name} (${n} agents)`, compare: [], log: (l) => out.line(l) }))
      .catch((e: Error) => out.line(`report failed: ${e.stack}`));
  }
  await out.close();
  return { result, dir: out.dir, exitCode: result.verdict.exitCode, agents: summaries, worstClockOffsetMs: worst.ms };
}
