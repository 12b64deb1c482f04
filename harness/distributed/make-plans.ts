import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ScenarioError, UsageError } from '../../core/errors.js';
import { isLoopbackHost } from '../../core/loopback.js';
import { formatProblems, loadScenario } from '../../core/scenario/load.js';
import { thresholdChecks } from '../scenario-checks.js';
import { makeJwtSetup } from '../tokens.js';
import { schedule, splitForAgents } from './split.js';
import { AGENT_PLAN_KIND, type AgentPlan, type ScheduledStage } from './types.js';

export interface MakePlansOptions {
  scenarioFile: string;
  agents: number;
  outDir: string;
  /** Target base URL as the agents reach it (default: the scenario's target.url). */
  target?: string;
  allowRemoteTarget: boolean;
  /** Common start, coordinator clock (epoch ms). */
  startAtEpochMs: number;
  clockUrl: string | null;
}

export interface Manifest {
  scenario: string;
  scenarioFile: string;
  agents: number;
  target: string;
  clockUrl: string | null;
  startAt: string;
  schedule: (ScheduledStage & { startAt: string })[];
  files: string[];
  /** Environment the gateway needs to verify the minted tokens (also in jwt.env). */
  jwtEnv: string;
}

/** Check the target URL: http, and loopback unless remote targets are allowed (own hosts only). */
export function targetUrl(raw: string | undefined, allowRemote: boolean): URL {
  if (raw === undefined || raw === '') throw new UsageError('--target: missing; give the gateway URL as the agents reach it (or target.url in the scenario)');
  let u: URL;
  try { u = new URL(raw); } catch { throw new UsageError(`--target: ${JSON.stringify(raw)} is not a URL`); }
  if (u.protocol !== 'http:' || u.port === '') throw new UsageError(`--target: ${JSON.stringify(raw)} must be http://host:port`);
  if (!allowRemote && !isLoopbackHost(u.hostname)) {
    throw new UsageError(`--target: ${JSON.stringify(raw)} is not a loopback address; give --allow-remote-target only for hosts and clusters you own`);
  }
  return u;
}

/**
 * `gw-bench plan`: build the load plan once, split it over the agents, mint the token pools,
 * fix the timetable, and write plan/agent-K.json, plan/manifest.json and plan/jwt.env.
 * Tokens travel in the plans (agents hold no signing key); jwt.env holds what the gateway
 * needs to verify them, so the folder is a secret of the run.
 */
export async function makePlans(o: MakePlansOptions): Promise<Manifest> {
  const scenario = await loadScenario(o.scenarioFile, thresholdChecks);
  const url = targetUrl(o.target ?? scenario.target.url ?? undefined, o.allowRemoteTarget);
  const remote = !isLoopbackHost(url.hostname);
  const { plans, problems } = splitForAgents(scenario, o.agents, { remote });
  if (problems.length) throw new ScenarioError(`${o.scenarioFile}: ${problems.length} problem(s) splitting the load over ${o.agents} agent(s)`, formatProblems(problems));
  const timetable = schedule(scenario, o.startAtEpochMs);
  const end = timetable.length ? timetable[timetable.length - 1]!.startAtEpochMs + timetable[timetable.length - 1]!.busyMs : o.startAtEpochMs;
  if (Date.now() + scenario.auth.ttlMs < end) {
    throw new UsageError(`--start-at/--start-in: the run ends ${new Date(end).toISOString()}, after the tokens minted now expire (auth.ttl ${scenario.auth.ttlMs} ms); start sooner or raise auth.ttl`);
  }
  const dir = resolve(o.outDir);
  await mkdir(dir, { recursive: true });
  const jwt = await makeJwtSetup({ alg: scenario.auth.alg, count: scenario.auth.tokens, ttlMs: scenario.auth.ttlMs, dir });
  const jwtEnv = Object.entries(jwt.env).map(([k, v]) => `${k}=${v}`).join('\n') + '\n';
  await writeFile(join(dir, 'jwt.env'), jwtEnv, { mode: 0o600 });
  const files: string[] = [];
  for (const [k, plan] of plans.entries()) {
    const agentPlan: AgentPlan = {
      kind: AGENT_PLAN_KIND, version: 1, agent: k, agents: o.agents, target: url.origin, allowRemoteTarget: o.allowRemoteTarget,
      clockUrl: o.clockUrl, startAtEpochMs: o.startAtEpochMs, schedule: timetable, plan, tokens: jwt.tokens, scenario, scenarioFile: o.scenarioFile,
    };
    const name = `agent-${k}.json`;
    await writeFile(join(dir, name), `${JSON.stringify(agentPlan)}\n`, { mode: 0o600 });
    files.push(name);
  }
  const manifest: Manifest = {
    scenario: scenario.name, scenarioFile: o.scenarioFile, agents: o.agents, target: url.origin, clockUrl: o.clockUrl,
    startAt: new Date(o.startAtEpochMs).toISOString(),
    schedule: timetable.map((t) => ({ ...t, startAt: new Date(t.startAtEpochMs).toISOString() })),
    files, jwtEnv: 'jwt.env',
  };
  await writeFile(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
