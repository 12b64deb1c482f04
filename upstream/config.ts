import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { ConfigError } from '../core/errors.js';
import { isLoopbackHost } from '../core/loopback.js';
import { formatProblems, Problems, reportedAt, type Problem } from '../core/problems/problem.js';
import { schemaProblems } from '../core/problems/schema.js';
import { parseYamlWithLines } from '../core/problems/yaml-lines.js';
import { parsePercent, parseSize } from '../core/units.js';
import { latencyRules } from './checks.js';
import { upstreamConfigSchema } from './config-schema.js';
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

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** One service whose shape the schema accepted: its ports and latency, defaults filled in. */
function serviceOf(name: string, v: Record<string, unknown>, p: Problems, clean: (path: string) => boolean): ServiceConfig | undefined {
  const path = `services.${name}`;
  if (v.latency !== undefined && (!clean(`${path}.latency`) || !isObject(v.latency))) return undefined;
  const ports = v.ports as number[] | undefined;
  if (ports && v.instances !== undefined && v.instances !== ports.length) p.value(`${path}.instances`, v.instances, `does not match the ${ports.length} ports listed`);
  const latency = v.latency === undefined ? { model: 'constant' as const, ms: 0 } : latencyRules(v.latency, `${path}.latency`, p);
  if (!latency || !clean(path)) return undefined;
  return {
    ports: ports ?? new Array<number>((v.instances as number | undefined) ?? 1).fill(0),
    latency,
    bodyBytes: v.bodyBytes === undefined ? DEFAULT_BODY_BYTES : parseSize(v.bodyBytes, `${path}.bodyBytes`),
    errorRate: v.errorRate === undefined ? 0 : parsePercent(v.errorRate, `${path}.errorRate`),
    errorStatus: (v.errorStatus as number | undefined) ?? DEFAULT_ERROR_STATUS,
  };
}

/** Every problem of a parsed config document (schema, then the rules across fields), or the config. */
export function configProblems(raw: unknown): { config?: UpstreamConfig; problems: Problem[] } {
  const p = new Problems();
  p.list.push(...schemaProblems(upstreamConfigSchema, raw));
  if (!isObject(raw)) return { problems: p.list };
  // The rules across fields run where the schema found nothing, so one run names every problem.
  const clean = (path: string): boolean => !reportedAt(p.list, path);
  const host = typeof raw.host === 'string' ? raw.host : DEFAULT_HOST;
  if (clean('host') && (isIP(host) !== 4 || !isLoopbackHost(host))) p.value('host', raw.host, 'is not a loopback IPv4 address (127.0.0.0/8)');
  const adminPort = (raw.admin as { port?: number } | undefined)?.port ?? DEFAULT_ADMIN_PORT;
  const services: Record<string, ServiceConfig> = {};
  for (const [name, sv] of Object.entries(isObject(raw.services) ? raw.services : {})) {
    const s = isObject(sv) ? serviceOf(name, sv, p, clean) : undefined;
    if (s) services[name] = s;
  }
  // Two instances on the same fixed port can never both listen: report it here, not as EADDRINUSE later.
  const seen = new Map<number, string>();
  if (adminPort) seen.set(adminPort, 'admin.port');
  for (const [name, s] of Object.entries(services)) {
    s.ports.forEach((port, i) => {
      if (port === 0) return;
      const where = `services.${name}.ports[${i}]`;
      const prev = seen.get(port);
      if (prev) p.value(where, port, `is already used by ${prev}`);
      else seen.set(port, where);
    });
  }
  if (p.length) return { problems: p.list };
  return { config: deepFreeze({ host, seed: (raw.seed as number | undefined) ?? DEFAULT_SEED, adminPort, services }), problems: [] };
}

function invalid(source: string, problems: Problem[]): ConfigError {
  return new ConfigError(`${source} is invalid (${problems.length} problem${problems.length > 1 ? 's' : ''})`, formatProblems(problems));
}

/** Validate a parsed config document; throws ConfigError naming every problem (path, value, expectation). */
export function validateConfig(raw: unknown, source = 'upstream config'): UpstreamConfig {
  const { config, problems } = configProblems(raw);
  if (!config) throw invalid(source, problems);
  return config;
}

/** Read and validate a YAML (or JSON) config file; problems carry their line. */
export async function loadConfigFile(path: string): Promise<UpstreamConfig> {
  let text: string;
  try { text = await readFile(path, 'utf8'); } catch (err) {
    throw new ConfigError(`cannot read upstream config ${path}: ${(err as Error).message}`);
  }
  const yaml = parseYamlWithLines(text);
  if (yaml.problems.length) throw new ConfigError(`cannot parse upstream config ${path}: ${formatProblems(yaml.problems)[0]}`);
  const { config, problems } = configProblems(yaml.data);
  yaml.addLines(problems);
  if (!config) throw invalid(path, problems);
  return config;
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
