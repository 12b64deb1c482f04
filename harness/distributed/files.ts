import { readFile, rename, writeFile } from 'node:fs/promises';
import { GwBenchError } from '../../core/errors.js';
import { AGENT_PLAN_KIND, AGENT_REPORT_KIND, type AgentPlan, type AgentReport } from './types.js';

/** Reading and writing the distributed run's JSON files; a bad file is one clear error naming it and the field. */

async function readJson(file: string, code: 'GW_ERR_USAGE' | 'GW_ERR_RESULT_INVALID', what: string): Promise<Record<string, unknown>> {
  let text: string;
  try { text = await readFile(file, 'utf8'); } catch (e) {
    throw new GwBenchError(code, `${what} ${file}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    const doc = JSON.parse(text) as unknown;
    if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new Error('not a JSON object');
    return doc as Record<string, unknown>;
  } catch (e) {
    throw new GwBenchError(code, `${what} ${file}: not valid JSON (${(e as Error).message})`);
  }
}

/** An agent plan written by `gw-bench plan` (checked enough that the agent fails before any connection, not mid-run). */
export async function readAgentPlan(file: string): Promise<AgentPlan> {
  const d = await readJson(file, 'GW_ERR_USAGE', '--plan');
  const bad = (field: string, expected: string): never => {
    throw new GwBenchError('GW_ERR_USAGE', `--plan ${file}: ${field}: ${JSON.stringify(d[field])} is not ${expected}`);
  };
  if (d.kind !== AGENT_PLAN_KIND) bad('kind', `"${AGENT_PLAN_KIND}" (write plans with gw-bench plan)`);
  if (d.version !== 1) bad('version', '1');
  if (!Number.isInteger(d.agents) || (d.agents as number) < 1) bad('agents', 'a whole number >= 1');
  if (!Number.isInteger(d.agent) || (d.agent as number) < 0 || (d.agent as number) >= (d.agents as number)) bad('agent', `an index 0..${(d.agents as number) - 1}`);
  if (typeof d.target !== 'string') bad('target', 'a URL');
  if (d.clockUrl !== null && typeof d.clockUrl !== 'string') bad('clockUrl', 'a URL or null');
  if (typeof d.startAtEpochMs !== 'number') bad('startAtEpochMs', 'an epoch time in ms');
  const plan = d.plan as AgentPlan['plan'] | undefined;
  if (!Array.isArray(plan?.stages) || !Array.isArray(d.schedule) || d.schedule.length !== plan.stages.length) bad('schedule', 'one entry per stage of plan.stages');
  if (!Array.isArray((d.tokens as AgentPlan['tokens'] | undefined)?.valid)) bad('tokens', 'the token pools {valid, expired, badSignature}');
  return d as unknown as AgentPlan;
}

/** out/K/agent.json; null when the agent left none (it never started, or died before its first stage). */
export async function readAgentReport(file: string): Promise<AgentReport | null> {
  let d: Record<string, unknown>;
  try { d = await readJson(file, 'GW_ERR_RESULT_INVALID', 'agent report'); } catch (e) {
    if (/cannot be read \(ENOENT\)/.test((e as Error).message)) return null;
    throw e;
  }
  if (d.kind !== AGENT_REPORT_KIND || !Number.isInteger(d.agent) || !Array.isArray(d.stages)) {
    throw new GwBenchError('GW_ERR_RESULT_INVALID', `agent report ${file}: not written by gw-bench agent (kind, agent or stages missing)`);
  }
  return d as unknown as AgentReport;
}

export async function readStageFile<T>(file: string): Promise<T> {
  return (await readJson(file, 'GW_ERR_RESULT_INVALID', 'agent stage file')) as T;
}

/** Atomic write (temp + rename): a killed agent leaves the previous complete file, never half of one. */
export async function writeJsonAtomic(file: string, data: unknown): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(data)}\n`);
  await rename(tmp, file);
}
