import { readFile } from 'node:fs/promises';
import { inputProblemLines, parseYamlInput, YamlInputError } from '../core/yaml-input.js';
import { ConfigError } from '../core/errors.js';
import { parseDuration, parsePercent, parseSize } from '../core/units.js';
import type { LatencyModel } from './latency.js';

/** One mock service: its instances (one port each) and its behaviour. */
export interface ServiceConfig {
  /** One entry per instance; 0 = ephemeral port. */
  readonly ports: readonly number[];
  readonly latency: LatencyModel;
  /** Size of a 200 response body in bytes (the JSON is padded up to it). */
  readonly bodyBytes: number;
  /** Fraction (0..1) of requests answered with `errorStatus`. */
  readonly errorRate: number;
  readonly errorStatus: number;
}

/** Validated, frozen configuration of a whole mock-upstream process. */
export interface UpstreamConfig {
  readonly host: string;
  readonly seed: number;
  readonly adminPort: number;
  readonly services: Readonly<Record<string, ServiceConfig>>;
}

/** Contract §8 default ports; interact has two instances (weights 80/20 belong to the gateway). */
export const DEFAULT_PORTS: Readonly<Record<string, readonly number[]>> = {
  'user-status': [19001],
  barrage: [19002],
  user: [19003],
  interact: [19004, 19005],
};
export const DEFAULT_ADMIN_PORT = 19000;
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_BODY_BYTES = 256;
export const DEFAULT_ERROR_STATUS = 500;
export const DEFAULT_SEED = 1;

/** The contract's default service set; `ephemeral` puts every port (admin included) on 0. */
export function defaultConfig(opts: { ephemeral?: boolean } = {}): UpstreamConfig {
  const services: Record<string, ServiceConfig> = {};
  for (const [name, ports] of Object.entries(DEFAULT_PORTS)) {
    services[name] = {
      ports: opts.ephemeral ? ports.map(() => 0) : [...ports],
      latency: { model: 'constant', ms: 0 },
      bodyBytes: DEFAULT_BODY_BYTES,
      errorRate: 0,
      errorStatus: DEFAULT_ERROR_STATUS,
    };
  }
  return deepFreeze({ host: DEFAULT_HOST, seed: DEFAULT_SEED, adminPort: opts.ephemeral ? 0 : DEFAULT_ADMIN_PORT, services });
}

/** Collects every validation problem as `path: value is not <expectation>`. */
export class Problems {
  readonly list: string[] = [];
  add(path: string, value: unknown, expected: string): void {
    this.list.push(`${path}: ${show(value)} ${expected}`);
  }
}

function show(v: unknown): string {
  if (v === undefined) return '(missing)';
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function unknownKeys(obj: Record<string, unknown>, allowed: readonly string[], path: string, p: Problems): void {
  for (const k of Object.keys(obj)) {
    if (!allowed.includes(k)) p.add(`${path}${path ? '.' : ''}${k}`, obj[k], `is an unknown key (allowed: ${allowed.join(', ')})`);
  }
}

/** Milliseconds >= 0 from a number or a duration string; records a problem and returns undefined otherwise. */
export function checkMs(v: unknown, path: string, p: Problems): number | undefined {
  try {
    const ms = parseDuration(v, path);
    if (ms < 0) throw new Error('negative');
    return ms;
  } catch {
    p.add(path, v, 'is not a non-negative duration (ms number or "20ms", "1s")');
    return undefined;
  }
}

/** A latency model object (`model` + its parameters), validated strictly. */
export function checkLatency(v: unknown, path: string, p: Problems): LatencyModel | undefined {
  if (!isObject(v)) { p.add(path, v, 'is not an object like {model: constant, ms: 5}'); return undefined; }
  const at = (k: string) => `${path}.${k}`;
  switch (v.model) {
    case 'constant': {
      unknownKeys(v, ['model', 'ms'], path, p);
      const ms = checkMs(v.ms, at('ms'), p);
      return ms === undefined ? undefined : { model: 'constant', ms };
    }
    case 'uniform': {
      unknownKeys(v, ['model', 'min', 'max'], path, p);
      const min = checkMs(v.min, at('min'), p);
      const max = checkMs(v.max, at('max'), p);
      if (min === undefined || max === undefined) return undefined;
      if (max < min) { p.add(at('max'), v.max, `is not >= min (${min})`); return undefined; }
      return { model: 'uniform', min, max };
    }
    case 'lognormal': {
      unknownKeys(v, ['model', 'p50', 'p99'], path, p);
      const p50 = checkMs(v.p50, at('p50'), p);
      const p99 = checkMs(v.p99, at('p99'), p);
      if (p50 === undefined || p99 === undefined) return undefined;
      if (p50 <= 0) { p.add(at('p50'), v.p50, 'is not > 0 (a log-normal median must be positive)'); return undefined; }
      if (p99 < p50) { p.add(at('p99'), v.p99, `is not >= p50 (${p50})`); return undefined; }
      return { model: 'lognormal', p50, p99 };
    }
    default:
      p.add(at('model'), v.model, 'is not one of constant, uniform, lognormal');
      return undefined;
  }
}

/** Error fraction 0..1 (a number or "5%"). */
export function checkRate(v: unknown, path: string, p: Problems): number | undefined {
  try { return parsePercent(v, path); } catch { p.add(path, v, 'is not a fraction 0..1 or a percentage like "5%"'); return undefined; }
}

/** HTTP status code an upstream may answer with (100..599). */
export function checkStatus(v: unknown, path: string, p: Problems): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 100 && v <= 599) return v;
  p.add(path, v, 'is not an HTTP status code 100..599');
  return undefined;
}

function checkPort(v: unknown, path: string, p: Problems): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 65535) return v;
  p.add(path, v, 'is not a port 0..65535 (0 = ephemeral)');
  return undefined;
}

function checkService(name: string, v: unknown, p: Problems): ServiceConfig | undefined {
  const path = `services.${name}`;
  if (!/^[a-z][a-z0-9-]*$/.test(name)) p.add(path, name, 'is not a service name of lower-case letters, digits and dashes');
  if (!isObject(v)) { p.add(path, v, 'is not an object'); return undefined; }
  unknownKeys(v, ['instances', 'ports', 'latency', 'bodyBytes', 'errorRate', 'errorStatus'], path, p);
  let ports: number[] | undefined;
  if (v.ports !== undefined) {
    if (!Array.isArray(v.ports) || v.ports.length === 0) p.add(`${path}.ports`, v.ports, 'is not a non-empty list of ports');
    else ports = v.ports.map((x, i) => checkPort(x, `${path}.ports[${i}]`, p) ?? 0);
    if (v.instances !== undefined && ports && v.instances !== ports.length) {
      p.add(`${path}.instances`, v.instances, `does not match the ${ports.length} ports listed`);
    }
  } else if (v.instances !== undefined) {
    if (typeof v.instances !== 'number' || !Number.isInteger(v.instances) || v.instances < 1 || v.instances > 64) {
      p.add(`${path}.instances`, v.instances, 'is not a whole number 1..64');
    } else ports = new Array<number>(v.instances).fill(0);
  } else ports = [0];
  const latency = v.latency === undefined ? { model: 'constant' as const, ms: 0 } : checkLatency(v.latency, `${path}.latency`, p);
  let bodyBytes: number | undefined = DEFAULT_BODY_BYTES;
  if (v.bodyBytes !== undefined) {
    try { bodyBytes = parseSize(v.bodyBytes, `${path}.bodyBytes`); } catch { bodyBytes = undefined; p.add(`${path}.bodyBytes`, v.bodyBytes, 'is not a size >= 0 (bytes or "2KB", "1MiB")'); }
    if (bodyBytes !== undefined && bodyBytes > 64 * 1024 * 1024) { p.add(`${path}.bodyBytes`, v.bodyBytes, 'is not <= 64MiB'); bodyBytes = undefined; }
  }
  const errorRate = v.errorRate === undefined ? 0 : checkRate(v.errorRate, `${path}.errorRate`, p);
  const errorStatus = v.errorStatus === undefined ? DEFAULT_ERROR_STATUS : checkStatus(v.errorStatus, `${path}.errorStatus`, p);
  if (!ports || !latency || bodyBytes === undefined || errorRate === undefined || errorStatus === undefined) return undefined;
  return { ports, latency, bodyBytes, errorRate, errorStatus };
}

/** Validate a parsed config document; throws ConfigError naming every problem (path, value, expectation). */
export function validateConfig(raw: unknown, source = 'upstream config'): UpstreamConfig {
  const p = new Problems();
  if (!isObject(raw)) throw new ConfigError(`${source} is invalid`, [`(root): ${show(raw)} is not an object with a "services" map`]);
  unknownKeys(raw, ['host', 'seed', 'admin', 'services'], '', p);
  const host = raw.host ?? DEFAULT_HOST;
  if (typeof host !== 'string' || !/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)) p.add('host', raw.host, 'is not a loopback IPv4 address (127.0.0.0/8)');
  const seed = raw.seed ?? DEFAULT_SEED;
  if (typeof seed !== 'number' || !Number.isInteger(seed)) p.add('seed', raw.seed, 'is not an integer');
  let adminPort: number | undefined = DEFAULT_ADMIN_PORT;
  if (raw.admin !== undefined) {
    if (!isObject(raw.admin)) { p.add('admin', raw.admin, 'is not an object like {port: 19000}'); adminPort = undefined; }
    else {
      unknownKeys(raw.admin, ['port'], 'admin', p);
      adminPort = raw.admin.port === undefined ? DEFAULT_ADMIN_PORT : checkPort(raw.admin.port, 'admin.port', p);
    }
  }
  const services: Record<string, ServiceConfig> = {};
  if (!isObject(raw.services) || Object.keys(raw.services).length === 0) {
    p.add('services', raw.services, 'is not a non-empty map of service name -> settings');
  } else {
    for (const [name, sv] of Object.entries(raw.services)) {
      const s = checkService(name, sv, p);
      if (s) services[name] = s;
    }
  }
  // Two instances on the same fixed port can never both listen: report it here, not as EADDRINUSE later.
  const seen = new Map<number, string>();
  if (adminPort) seen.set(adminPort, 'admin.port');
  for (const [name, s] of Object.entries(services)) {
    s.ports.forEach((port, i) => {
      if (port === 0) return;
      const where = `services.${name}.ports[${i}]`;
      const prev = seen.get(port);
      if (prev) p.add(where, port, `is already used by ${prev}`);
      else seen.set(port, where);
    });
  }
  if (p.list.length > 0) throw new ConfigError(`${source} is invalid (${p.list.length} problem${p.list.length > 1 ? 's' : ''})`, p.list);
  return deepFreeze({ host: host as string, seed: seed as number, adminPort: adminPort!, services });
}

/** Read and validate a YAML (or JSON) config file. */
export async function loadConfigFile(path: string): Promise<UpstreamConfig> {
  let text: string;
  try { text = await readFile(path, 'utf8'); } catch (err) {
    throw new ConfigError(`cannot read upstream config ${path}: ${(err as Error).message}`);
  }
  let doc: unknown;
  try { doc = parseYamlInput(text, path, 'an upstream config').data; } catch (err) {
    if (!(err instanceof YamlInputError)) throw err;
    throw new ConfigError(`cannot parse upstream config ${err.message}`, inputProblemLines(err));
  }
  return validateConfig(doc, path);
}

/** Same config with every port (admin included) set to 0. */
export function withEphemeralPorts(cfg: UpstreamConfig): UpstreamConfig {
  const services: Record<string, ServiceConfig> = {};
  for (const [name, s] of Object.entries(cfg.services)) services[name] = { ...s, ports: s.ports.map(() => 0) };
  return deepFreeze({ ...cfg, adminPort: 0, services });
}

function deepFreeze<T>(o: T): T {
  if (typeof o === 'object' && o !== null && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}
