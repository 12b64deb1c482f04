import { GwBenchError } from '../../core/errors.js';
import { isLoopbackHost } from '../../core/loopback.js';
import type { Problem } from '../../core/scenario/problems.js';
import type { StagePlan } from '../types.js';
import type { LoadPlan, PlannedStage } from './types.js';
import { authHeaders } from '../templates.js';
import { CONNECTION_SELECTIONS } from '../selection.js';

/**
 * The rules a stage's load parameters must meet, written once: planProblems() applies them
 * to a whole LoadPlan before any process starts (problems carry scenario paths, so
 * `validate` and `run` say the same thing), validateStagePlan() to a bound StagePlan that a
 * library caller hands the generator directly.
 */

/** One broken field of a stage: where (StagePlan field path), what was there, what was expected. */
interface FieldProblem { field: string; value: unknown; expected: string }

type StageFields = Omit<StagePlan, 'target' | 'tokens'>;

const int = (v: unknown, min: number): boolean => Number.isInteger(v) && (v as number) >= min;
const num = (v: unknown, min: number, strict = false): boolean => typeof v === 'number' && Number.isFinite(v) && (strict ? v > min : v >= min);

function stageFieldProblems(plan: StageFields): FieldProblem[] {
  const out: FieldProblem[] = [];
  const check = (ok: boolean, field: string, value: unknown, expected: string): void => { if (!ok) out.push({ field, value, expected }); };
  check(plan.connectionSelection === undefined || CONNECTION_SELECTIONS.includes(plan.connectionSelection), 'connectionSelection', plan.connectionSelection, CONNECTION_SELECTIONS.map((x) => `'${x}'`).join(', '));
  check(int(plan.connections, 1), 'connections', plan.connections, 'a whole number >= 1');
  check(num(plan.rate, 0, true), 'rate', plan.rate, 'a rate > 0 req/s');
  check(plan.arrival === 'constant' || plan.arrival === 'poisson', 'arrival', plan.arrival, "'constant' or 'poisson'");
  check(Number.isInteger(plan.seed), 'seed', plan.seed, 'an integer');
  check(num(plan.connectRate, 0, true), 'connectRate', plan.connectRate, 'a rate > 0 connections/s');
  check(num(plan.warmupMs, 0), 'warmupMs', plan.warmupMs, 'a duration >= 0 ms');
  check(num(plan.durationMs, 0, true), 'durationMs', plan.durationMs, 'a duration > 0 ms');
  check(num(plan.requestTimeoutMs, 0, true), 'requestTimeoutMs', plan.requestTimeoutMs, 'a duration > 0 ms');
  check(int(plan.maxQueue, 0), 'maxQueue', plan.maxQueue, 'a whole number >= 0');
  check(plan.engine === 'gw-bench' || plan.engine === 'autocannon', 'engine', plan.engine, "'gw-bench' or 'autocannon'");
  check(Array.isArray(plan.requests) && plan.requests.length > 0, 'requests', plan.requests?.length, 'a non-empty list of request templates');
  (plan.requests ?? []).forEach((r, i) => {
    const at = `requests[${i}]`;
    check(num(r.weight, 0, true), `${at}.weight`, r.weight, 'a weight > 0');
    check(/^[A-Z]+$/i.test(r.method ?? ''), `${at}.method`, r.method, 'an HTTP method');
    check(typeof r.path === 'string' && r.path.startsWith('/') && !/[\s]/.test(r.path), `${at}.path`, r.path, 'a path starting with / without spaces');
    check(int(r.bodyBytes, 0), `${at}.bodyBytes`, r.bodyBytes, 'a whole number of bytes >= 0');
    check(['valid', 'expired', 'bad-signature', 'none'].includes(r.auth), `${at}.auth`, r.auth, "one of 'valid', 'expired', 'bad-signature', 'none'");
    check(r.body == null || typeof r.body === 'string', `${at}.body`, r.body, 'a body template string');
    check(r.expectStatus == null || (Array.isArray(r.expectStatus) && r.expectStatus.length > 0), `${at}.expectStatus`, r.expectStatus, 'a non-empty list of statuses');
  });
  for (const v of ['uid', 'room_id'] as const) {
    const r = plan.variables?.[v];
    check(Array.isArray(r) && r.length === 2 && Number.isInteger(r[0]) && Number.isInteger(r[1]) && r[0] <= r[1], `variables.${v}`, r, 'an integer range [lo, hi] with lo <= hi');
  }
  check(num(plan.health?.maxSendLagP99Ms, 0, true), 'health.maxSendLagP99Ms', plan.health?.maxSendLagP99Ms, 'a limit > 0 ms');
  check(num(plan.health?.maxEventLoopP99Ms, 0, true), 'health.maxEventLoopP99Ms', plan.health?.maxEventLoopP99Ms, 'a limit > 0 ms');
  check(num(plan.health?.maxCpu, 0, true), 'health.maxCpu', plan.health?.maxCpu, 'a fraction of a core > 0');
  return out;
}

/** Throws GW_ERR_ADDRESS_NOT_LOOPBACK (unless a distributed agent allows a remote target) or GW_ERR_USAGE (with one detail line per problem) for an unusable stage plan. */
export function validateStagePlan(plan: StagePlan, opts: { allowRemoteTarget?: boolean } = {}): void {
  if (opts.allowRemoteTarget !== true && !isLoopbackHost(plan.target.host)) {
    throw new GwBenchError('GW_ERR_ADDRESS_NOT_LOOPBACK', `stage ${plan.index} target.host: ${JSON.stringify(plan.target.host)} is not a loopback address (127.0.0.0/8 or ::1)`);
  }
  const problems = stageFieldProblems(plan).map((p) => `${p.field}: ${JSON.stringify(p.value)} is not ${p.expected}`);
  const port = plan.target.port;
  if (!int(port, 1) || port > 65535) problems.unshift(`target.port: ${JSON.stringify(port)} is not a port 1..65535`);
  plan.requests?.forEach((r, i) => {
    // The one place an auth kind picks its header or token pool (templates.ts authHeaders).
    if (r.auth !== 'none' && plan.tokens && authHeaders(r.auth, plan.tokens).length === 0) problems.push(`tokens (for requests[${i}].auth ${r.auth}): 0 is not a non-empty token list`);
  });
  if (problems.length > 0) {
    throw new GwBenchError('GW_ERR_USAGE', `stage ${plan.index} (${plan.name}): invalid load plan, ${problems.length} problem(s)`, { details: problems });
  }
}

/** Where a StagePlan field comes from in the scenario file. */
function scenarioPath(field: string, stage: number): string {
  const stageKey: Record<string, string> = { connections: 'connections', rate: 'rate', warmupMs: 'warmup', durationMs: 'duration' };
  const loadKey: Record<string, string> = { connectRate: 'connectRate', requestTimeoutMs: 'requestTimeout', maxQueue: 'maxQueue', arrival: 'arrival', seed: 'seed', engine: 'engine' };
  if (stageKey[field]) return `load.stages[${stage}].${stageKey[field]}`;
  if (loadKey[field]) return `load.${loadKey[field]}`;
  if (field.startsWith('health.')) return `generator.${field.slice('health.'.length).replace(/Ms$/, '')}`;
  return field.replace(/\.bodyBytes$/, '.bodySize');
}

/** The StagePlan fields of a planned stage (a capacity stage is checked at its lowest probe rate). */
export function stageFields(plan: LoadPlan, s: PlannedStage): StageFields {
  return {
    index: s.index, name: s.name, connections: s.connections, rate: s.rate === 'capacity' ? plan.capacity.minRps : s.rate,
    arrival: plan.arrival, seed: s.seed, connectRate: s.connectRate, warmupMs: s.warmupMs, durationMs: s.durationMs,
    requestTimeoutMs: plan.requestTimeoutMs, maxQueue: plan.maxQueue, requests: plan.requests, variables: plan.variables,
    health: plan.health, engine: plan.engine, workers: s.workers, connectionSelection: plan.connectionSelection,
  };
}

/** Every problem of a load plan, with the scenario path it comes from (each reported once). */
export function planProblems(plan: LoadPlan): Problem[] {
  const out: Problem[] = [];
  const seen = new Set<string>();
  for (const s of plan.stages) {
    for (const p of stageFieldProblems(stageFields(plan, s))) {
      const path = s.rate === 'capacity' && p.field === 'rate' ? 'load.capacity.min' : scenarioPath(p.field, s.index);
      const message = `${JSON.stringify(p.value)} is not ${p.expected}`;
      if (!seen.has(`${path}|${message}`)) { seen.add(`${path}|${message}`); out.push({ path, message }); }
    }
  }
  return out;
}
