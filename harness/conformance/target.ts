import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../core/errors.js';
import { loopbackUrl } from '../../core/loopback.js';
import { UpstreamAdminClient, type UpstreamControl } from '../../upstream/admin-client.js';
import { defaultConfig } from '../../upstream/config.js';
import { upstreamEnv } from '../../upstream/contract-env.js';
import { freePort } from '../../core/processes/free-port.js';
import { startImpl, type ImplProcess } from '../processes/impl-command.js';
import { configDocument, launchUpstreams, type RunningUpstreams } from '../processes/upstreams.js';
import { settingsEnv, type GatewaySettings } from './settings.js';
import { newRsaPrivateKeyPem, TokenMinter } from './tokens.js';

export type TargetMode = 'own-upstreams' | 'external-upstreams' | 'impl-command';

/** The gateway under test and the mock upstreams it talks to, plus how to tear them down. */
export interface Target {
  mode: TargetMode;
  baseUrl: URL;
  upstream: UpstreamControl;
  /** Service name -> instance URLs, in the order the gateway was given them. */
  services: Record<string, string[]>;
  impl?: ImplProcess;
  /** Processes the suite started (upstreams, implementation), all owned: killed if it exits early. */
  pids: number[];
  /** Run in reverse order when the suite ends. */
  cleanups: (() => Promise<unknown>)[];
}

export interface TargetOptions {
  url?: string;
  upstreamAdmin?: string;
  implCommand?: string;
  implCwd?: string;
  implEnv?: Record<string, string>;
  /** Explicit settings from the caller (decides what mode c may generate). */
  given?: Partial<GatewaySettings>;
  readyTimeoutMs?: number;
}

/** The contract's upstream set as an owned process (the same launcher `run` uses), stopped by the cleanups. */
async function ownUpstreams(ephemeral: boolean, cleanups: Target['cleanups']): Promise<RunningUpstreams> {
  const set = await launchUpstreams(configDocument(defaultConfig({ ephemeral })));
  cleanups.push(() => set.process.stop());
  return set;
}

/**
 * Mode c: ephemeral upstreams, then the implementation started with the contract env.
 * Fills in generated credentials and issuer on `settings` (proof that the env is read).
 */
async function startWithImpl(command: string, opts: TargetOptions, settings: GatewaySettings, cleanups: Target['cleanups']): Promise<Target> {
  const set = await ownUpstreams(true, cleanups);
  const services = set.services;
  if (opts.given?.jwtIssuer === undefined) settings.jwtIssuer = `gw-bench-conformance-${randomBytes(3).toString('hex')}`;
  if (settings.jwtAlg === 'HS256' && opts.given?.jwtSecret === undefined) settings.jwtSecret = randomBytes(32).toString('hex');
  let publicKeyFile: string | undefined;
  if (settings.jwtAlg === 'RS256') {
    settings.jwtPrivateKeyPem ??= newRsaPrivateKeyPem();
    const dir = await mkdtemp(join(tmpdir(), 'gwb-conformance-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    publicKeyFile = join(dir, 'jwt-public.pem');
    await writeFile(publicKeyFile, new TokenMinter(settings).publicKeyPem!);
  }
  const port = await freePort();
  const env = {
    GW_LISTEN_HOST: '127.0.0.1',
    GW_LISTEN_PORT: String(port),
    // One process: breaker counts and the weighted split are then exact.
    GW_WORKERS: '1',
    ...upstreamEnv(services),
    ...settingsEnv(settings, publicKeyFile),
    ...opts.implEnv,
  };
  const impl = await startImpl(command, { env, host: '127.0.0.1', port, cwd: opts.implCwd, readyTimeoutMs: opts.readyTimeoutMs });
  cleanups.push(() => impl.stop());
  return { mode: 'impl-command', baseUrl: new URL(impl.url), upstream: set.admin, services, impl, pids: [set.process.pid, impl.pid], cleanups };
}

/** Set up the target for one of the three modes (see README). On failure, whatever started is torn down. */
export async function openTarget(opts: TargetOptions, settings: GatewaySettings): Promise<Target> {
  const cleanups: Target['cleanups'] = [];
  try {
    if (opts.implCommand) return await startWithImpl(opts.implCommand, opts, settings, cleanups);
    const baseUrl = loopbackUrl(opts.url ?? 'http://127.0.0.1:8080', '--url');
    if (opts.upstreamAdmin) {
      const client = new UpstreamAdminClient(loopbackUrl(opts.upstreamAdmin, '--upstream-admin').origin);
      const stats = await client.stats();
      const services = Object.fromEntries(Object.entries(stats.services).map(([k, v]) => [k, v.instances.map((i) => i.url)]));
      // Upstreams we do not own go back to their configured behaviour afterwards.
      cleanups.push(() => client.control({ action: 'reset' }));
      return { mode: 'external-upstreams', baseUrl, upstream: client, services, pids: [], cleanups };
    }
    let set: RunningUpstreams;
    try {
      set = await ownUpstreams(false, cleanups);
    } catch (err) {
      if (err instanceof UsageError) throw new UsageError(`${err.message}; to use mock upstreams that are already running pass --upstream-admin http://127.0.0.1:19000`);
      throw err;
    }
    return { mode: 'own-upstreams', baseUrl, upstream: set.admin, services: set.services, pids: [set.process.pid], cleanups };
  } catch (err) {
    await closeTarget(cleanups);
    throw err;
  }
}

/** Run cleanups newest first, ignoring their failures. */
export async function closeTarget(cleanups: Target['cleanups']): Promise<void> {
  for (const c of [...cleanups].reverse()) await c().catch(() => {});
}
