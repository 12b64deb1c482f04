import { formatProblems } from '../core/problems/problem.js';
import { Problems, checkLatency, checkMs, checkRate, checkStatus } from './checks.js';
import type { LatencyModel } from './latency.js';

/**
 * Runtime fault controls. `service` names one service; when absent the command applies
 * to every service. Served over the admin port as `POST /__admin/<action>`.
 */
export type ControlCommand =
  | { action: 'stall'; service?: string; ms: number }
  | { action: 'close-connections'; service?: string }
  | { action: 'refuse'; service?: string; on?: boolean }
  | { action: 'errors'; service?: string; rate: number; status?: number }
  | { action: 'latency'; service?: string; latency: LatencyModel }
  | { action: 'reset-counters'; service?: string }
  | { action: 'reset'; service?: string };

export type ControlAction = ControlCommand['action'];
export const CONTROL_ACTIONS: readonly ControlAction[] = ['stall', 'close-connections', 'refuse', 'errors', 'latency', 'reset-counters', 'reset'];

/** Answer of a control command: which services it touched and what it did. */
export interface ControlResult {
  ok: true;
  action: ControlAction;
  services: string[];
  /** close-connections: number of sockets destroyed. */
  closed?: number;
}

/** Flat parameters as they arrive over HTTP (query string values are strings). */
function coerce(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  if (/^-?\d+(\.\d+)?$/.test(v)) return Number(v);
  if (v === 'true') return true;
  if (v === 'false') return false;
  return v;
}

const ALLOWED: Record<ControlAction, string[]> = {
  stall: ['service', 'ms'],
  'close-connections': ['service'],
  refuse: ['service', 'on'],
  errors: ['service', 'rate', 'status'],
  latency: ['service', 'model', 'ms', 'min', 'max', 'p50', 'p99'],
  'reset-counters': ['service'],
  reset: ['service'],
};

/**
 * Parse one admin request (`action` from the path, params from query + JSON body) into a
 * command; returns every problem found instead when it is invalid.
 */
export function parseControl(action: string, rawParams: Record<string, unknown>, serviceNames: readonly string[]): ControlCommand | { problems: string[] } {
  const p = new Problems();
  if (!(CONTROL_ACTIONS as readonly string[]).includes(action)) {
    return { problems: [`action: ${JSON.stringify(action)} is not one of ${CONTROL_ACTIONS.join(', ')}`] };
  }
  const a = action as ControlAction;
  const params: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(rawParams)) params[k] = coerce(v);
  for (const k of Object.keys(params)) {
    if (!ALLOWED[a].includes(k)) p.value(k, params[k], `is not a parameter of ${a} (allowed: ${ALLOWED[a].join(', ')})`);
  }
  let service: string | undefined;
  if (params.service !== undefined && params.service !== '') {
    if (typeof params.service === 'string' && serviceNames.includes(params.service)) service = params.service;
    else p.value('service', params.service, `is not one of ${serviceNames.join(', ')}`);
  }
  const svc = service === undefined ? {} : { service };
  let cmd: ControlCommand | undefined;
  switch (a) {
    case 'stall': {
      const ms = checkMs(params.ms, 'ms', p);
      if (ms !== undefined) cmd = { action: a, ...svc, ms };
      break;
    }
    case 'refuse': {
      const on = params.on ?? true;
      if (typeof on !== 'boolean') p.value('on', params.on, 'is not true or false');
      else cmd = { action: a, ...svc, on };
      break;
    }
    case 'errors': {
      const rate = checkRate(params.rate, 'rate', p);
      const status = params.status === undefined ? undefined : checkStatus(params.status, 'status', p);
      if (rate !== undefined && (params.status === undefined || status !== undefined)) {
        cmd = { action: a, ...svc, rate, ...(status === undefined ? {} : { status }) };
      }
      break;
    }
    case 'latency': {
      const { service: _s, ...model } = params;
      const latency = checkLatency(model, 'latency', p);
      if (latency) cmd = { action: a, ...svc, latency };
      break;
    }
    case 'close-connections':
    case 'reset-counters':
    case 'reset':
      cmd = { action: a, ...svc };
      break;
  }
  if (p.length > 0 || !cmd) return { problems: formatProblems(p.list) };
  return cmd;
}

/** The flat parameter object for a command (inverse of parseControl), as the admin client sends it. */
export function controlParams(cmd: ControlCommand): Record<string, unknown> {
  const { action: _a, ...rest } = cmd;
  if (cmd.action === 'latency') {
    const { latency, ...others } = rest as { latency: LatencyModel; service?: string };
    return { ...others, ...latency };
  }
  return rest;
}
