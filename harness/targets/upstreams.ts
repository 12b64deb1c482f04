import type { WriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { TargetError } from '../../core/errors.js';
import type { UpstreamSpec } from '../../core/scenario/types.js';
import { PACKAGE_ROOT } from '../../core/version.js';
import { UpstreamAdminClient } from '../../upstream/admin-client.js';
import type { ReadyInfo } from '../../upstream/process.js';
import { OwnedProcess } from './child.js';

export interface RunningUpstreams {
  process: OwnedProcess;
  admin: UpstreamAdminClient;
  ready: ReadyInfo;
  /** Contract env vars (GW_UPSTREAM_*) pointing a gateway at these instances, with weights. */
  env: Record<string, string>;
}

const ENV_NAME: Record<string, string> = { 'user-status': 'GW_UPSTREAM_USER_STATUS', barrage: 'GW_UPSTREAM_BARRAGE', user: 'GW_UPSTREAM_USER', interact: 'GW_UPSTREAM_INTERACT' };

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

/** Start the mock upstreams as their own process (own CPU placement) and wait until every port listens. */
export async function startUpstreams(opts: { specs: readonly UpstreamSpec[]; seed: number; dir: string; cpus: string | null; log?: WriteStream }): Promise<RunningUpstreams> {
  const cfgFile = join(opts.dir, 'upstreams.yaml');
  await writeFile(cfgFile, stringify(upstreamConfig(opts.specs, opts.seed)));
  const proc = new OwnedProcess('upstreams', process.execPath, [join(PACKAGE_ROOT, 'bin', 'gw-bench.js'), 'upstream', '--config', cfgFile], { cpus: opts.cpus, log: opts.log });
  let ready: ReadyInfo;
  try {
    const m = await proc.waitForLine(/^\{.*"ready":true.*\}$/, 20_000);
    ready = JSON.parse(m[0]) as ReadyInfo;
  } catch (e) {
    await proc.stop();
    throw new TargetError('GW_ERR_TARGET_UNREACHABLE', `mock upstreams did not start: ${(e as Error).message}`, proc.lastLines());
  }
  const env: Record<string, string> = {};
  for (const s of opts.specs) {
    const urls = ready.services[s.name]?.urls ?? [];
    env[ENV_NAME[s.name]!] = urls.map((u, i) => (s.weights.length > 1 ? `${u}*${s.weights[i] ?? 1}` : u)).join(',');
  }
  return { process: proc, admin: new UpstreamAdminClient(ready.adminUrl), ready, env };
}
