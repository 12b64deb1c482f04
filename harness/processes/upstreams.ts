import type { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { TargetError, UsageError } from '../../core/errors.js';
import { ExitCode } from '../../core/exit-codes.js';
import { OwnedProcess } from '../../core/processes/owned.js';
import type { UpstreamSpec } from '../../core/scenario/types.js';
import { UpstreamAdminClient } from '../../upstream/admin-client.js';
import type { UpstreamConfig } from '../../upstream/config.js';
import type { ReadyInfo } from '../../upstream/process.js';

/** Mock upstreams running as their own process (own CPU placement), driven through their admin port. */
export interface RunningUpstreams {
  process: OwnedProcess;
  admin: UpstreamAdminClient;
  ready: ReadyInfo;
  /** Service name -> instance URLs. */
  services: Record<string, string[]>;
  /** Contract env vars (GW_UPSTREAM_*) pointing a gateway at these instances, with weights. */
  env: Record<string, string>;
}

const ENV_NAME: Record<string, string> = { 'user-status': 'GW_UPSTREAM_USER_STATUS', barrage: 'GW_UPSTREAM_BARRAGE', user: 'GW_UPSTREAM_USER', interact: 'GW_UPSTREAM_INTERACT' };
const ENTRY = fileURLToPath(new URL('./entries/upstreams.js', import.meta.url));

/** Upstream config file content for the scenario's services (ephemeral ports). */
export function upstreamConfig(specs: readonly UpstreamSpec[], seed: number): unknown {
  const services: Record<string, unknown> = {};
  for (const s of specs) {
    const l = s.latency;
    services[s.name] = {
      instances: s.instances,
      latency: l.model === 'constant' ? { model: 'constant', ms: l.valueMs } : l.model === 'uniform' ? { model: 'uniform', min: l.minMs, max: l.maxMs } : { model: 'lognormal', p50: l.p50Ms, p99: l.p99Ms },
      bodyBytes: s.bodyBytes,
      errorRate: s.errorRate,
      errorStatus: s.errorStatus,
    };
  }
  return { host: '127.0.0.1', seed, admin: { port: 0 }, services };
}

/** A validated UpstreamConfig back in the config file's format (what the upstreams entry reads). */
export function configDocument(c: UpstreamConfig): unknown {
  return { host: c.host, seed: c.seed, admin: { port: c.adminPort }, services: c.services };
}

/**
 * Start mock upstreams from a config document (the upstream config file format) through the
 * harness's upstreams entry, and wait until every port listens. A config or port problem
 * the process reports (exit 2) stays a usage error; anything else is a target failure.
 */
export async function launchUpstreams(config: unknown, opts: { cpus?: string | null; log?: Writable; env?: (ready: ReadyInfo) => Record<string, string> } = {}): Promise<RunningUpstreams> {
  const proc = new OwnedProcess('upstreams', process.execPath, [ENTRY], { cpus: opts.cpus ?? null, log: opts.log, env: { GWB_UPSTREAMS_CONFIG: JSON.stringify(config) } });
  let ready: ReadyInfo;
  try {
    const m = await proc.waitForLine(/^\{.*"ready":true.*\}$/, 20_000);
    ready = JSON.parse(m[0]) as ReadyInfo;
  } catch (e) {
    await proc.stop();
    const said = proc.lastLines().filter((l) => l.startsWith('gw-bench: '));
    if (proc.exitInfo?.code === ExitCode.USAGE && said.length) throw new UsageError(said[0]!.replace(/^gw-bench: /, '').replace(/ \[GW_ERR_\w+\]$/, ''), proc.lastLines().filter((l) => l.startsWith('  ')).map((l) => l.trim()));
    throw new TargetError('GW_ERR_TARGET_UNREACHABLE', `mock upstreams did not start: ${(e as Error).message}`, proc.lastLines());
  }
  const services = Object.fromEntries(Object.entries(ready.services).map(([k, v]) => [k, v.urls]));
  return { process: proc, admin: new UpstreamAdminClient(ready.adminUrl), ready, services, env: opts.env?.(ready) ?? {} };
}

/** Start the scenario's mock upstreams (own CPU placement); `env` carries the scenario's weights. */
export async function startUpstreams(opts: { specs: readonly UpstreamSpec[]; seed: number; cpus: string | null; log?: Writable }): Promise<RunningUpstreams> {
  const env = (ready: ReadyInfo): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const s of opts.specs) {
      const urls = ready.services[s.name]?.urls ?? [];
      out[ENV_NAME[s.name]!] = urls.map((u, i) => (s.weights.length > 1 ? `${u}*${s.weights[i] ?? 1}` : u)).join(',');
    }
    return out;
  };
  return launchUpstreams(upstreamConfig(opts.specs, opts.seed), { cpus: opts.cpus, log: opts.log, env });
}
