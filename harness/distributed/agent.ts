import { mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { GwBenchError } from '../../core/errors.js';
import { LoadGenerator, writeHlog } from '../../loadgen/index.js';
import type { WorkerResult } from '../../loadgen/messages.js';
import { LiveMetrics } from '../live-metrics.js';
import { bindStage } from '../plan.js';
import { measureOffset, type ClockOffset } from './clock.js';
import { readAgentPlan, writeJsonAtomic } from './files.js';
import { targetUrl } from './make-plans.js';
import { AGENT_REPORT_KIND, type AgentReport, type AgentStage, type AgentStageFile } from './types.js';

/**
 * `gw-bench agent`: run one agent's share of a distributed run. Every stage starts at its
 * scheduled time, converted from the coordinator's clock to this machine's with the
 * measured offset; latency is recorded on this machine's clock from each request's intended
 * send time, so the agent is coordinated-omission safe by itself. A stage the agent could
 * not start on time still runs, but is marked late: the merge makes it invalid.
 */

export interface AgentOptions {
  planFile: string;
  outDir: string;
  metricsPort?: number;
  metricsHost?: string;
  signal?: AbortSignal;
  log?: (line: string) => void;
}

/** A start later than the schedule by more than this is late (the start is a timer on this machine, not a guess). */
export const LATE_TOLERANCE_MS = 1;

export const stageFileName = (index: number): string => `stage-${String(index).padStart(2, '0')}.json`;

async function offsetOrNull(url: string | null, log: (l: string) => void): Promise<ClockOffset | null> {
  if (url === null) return null;
  const o = await measureOffset(url);
  log(`clock ${url}: offset ${o.offsetMs} ms (coordinator - agent), rtt ${o.rttMs} ms`);
  return o;
}

/** Run the agent; resolves with its report (also written to out/agent.json after every stage). */
export async function runAgent(o: AgentOptions): Promise<AgentReport> {
  const log = o.log ?? (() => undefined);
  const ap = await readAgentPlan(o.planFile);
  const url = targetUrl(ap.target, ap.allowRemoteTarget);
  const dir = resolve(o.outDir);
  await mkdir(dir, { recursive: true });
  const report: AgentReport = {
    kind: AGENT_REPORT_KIND, version: 1, agent: ap.agent, agents: ap.agents, hostname: hostname(),
    startedAt: new Date().toISOString(), finishedAt: '', clock: { before: null, after: null },
    workers: ap.plan.generator.workers, stages: [], plan: ap,
  };
  const save = (): Promise<void> => writeJsonAtomic(join(dir, 'agent.json'), { ...report, finishedAt: new Date().toISOString() });
  report.clock.before = await offsetOrNull(ap.clockUrl, log);
  const offset = report.clock.before?.offsetMs ?? 0;
  await save();
  let live: LiveMetrics | null = null;
  let lg: LoadGenerator | null = null;
  try {
    if (o.metricsPort !== undefined) live = await LiveMetrics.start(o.metricsPort, { host: o.metricsHost, agent: String(ap.agent) });
    lg = await LoadGenerator.start({ workers: ap.plan.generator.workers, sourceAddresses: ap.plan.generator.sourceAddresses });
    // The first ramp begins at the common start; an agent launched early waits for it.
    const wait = ap.startAtEpochMs - offset - Date.now();
    if (wait > 0) { log(`waiting ${Math.round(wait)} ms for the common start`); await sleep(wait, undefined, { signal: o.signal }).catch(() => undefined); }
    for (const [i, planned] of ap.plan.stages.entries()) {
      if (o.signal?.aborted) break;
      const slot = ap.schedule[i]!;
      const local = slot.startAtEpochMs - offset;
      const entry: AgentStage = { index: planned.index, name: planned.name, scheduledStartEpochMs: slot.startAtEpochMs, actualStartEpochMs: null, late: null, failed: null, file: null };
      report.stages.push(entry);
      let raw: WorkerResult[] = [];
      try {
        const stagePlan = bindStage(ap.plan, planned, { host: url.hostname, port: Number(url.port) }, ap.tokens);
        const m = await lg.runStage(stagePlan, {
          startAtEpochMs: local, allowRemoteTarget: ap.allowRemoteTarget, signal: o.signal,
          onWorkerResults: (r) => { raw = r; }, onProgress: (p) => live?.update(p, planned.name),
        });
        const started = m.measureStartEpochMs - planned.warmupMs;
        entry.actualStartEpochMs = started + offset;
        if (started - local > LATE_TOLERANCE_MS) {
          entry.late = `agent ${ap.agent} started stage ${planned.name} ${Math.round(started - local)} ms after its scheduled start (connect ramp not done in time)`;
        }
        const file = stageFileName(planned.index);
        const data: AgentStageFile = { agent: ap.agent, index: planned.index, clockOffsetMs: offset, results: raw };
        await writeJsonAtomic(join(dir, file), data);
        await writeHlog(join(dir, `${String(planned.index).padStart(2, '0')}-${planned.name}.hlog`), m.intervals, m.measureStartEpochMs, `${planned.name} agent ${ap.agent}`);
        entry.file = file;
        log(`stage ${planned.name}: ${m.generator.valid ? 'ok' : `generator invalid (${m.generator.reasons.join('; ')})`}${entry.late ? `; LATE: ${entry.late}` : ''}`);
      } catch (e) {
        entry.failed = `agent ${ap.agent}: ${e instanceof GwBenchError ? `${e.message} [${e.code}]` : (e as Error).message}`;
        log(`stage ${planned.name}: failed: ${entry.failed}`);
      }
      await save();
    }
  } finally {
    await lg?.close().catch(() => undefined);
    await live?.stop();
  }
  report.clock.after = await offsetOrNull(ap.clockUrl, log).catch((e: Error) => { log(`clock after: ${e.message}`); return null; });
  await save();
  return report;
}
