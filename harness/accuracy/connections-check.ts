import type { LoadGenerator } from '../../loadgen/index.js';
import type { StageMeasurement } from '../../loadgen/types.js';
import type { UpstreamAdminClient } from '../../upstream/admin-client.js';
import { sumCounter } from '../../upstream/stats.js';
import { readFile } from 'node:fs/promises';
import { establishedOnPort } from '../procfs.js';
import { accuracyPlan, atWindowOffset } from './rig.js';
import type { CheckResult, CheckRow } from './types.js';

export interface ConnectionTarget { host: string; port: number; admin: UpstreamAdminClient }

/**
 * ESTABLISHED sockets whose local end is exactly `host:port` (IPv4), from /proc/net/tcp,
 * counted independently of harness/procfs.ts (which the check compares against).
 */
export async function establishedOn(host: string, port: number): Promise<number | null> {
  return (await establishedPeers(host, port))?.total ?? null;
}

/** Like establishedOn, with the count per remote address (a diagnostic when counts disagree). */
export async function establishedPeers(host: string, port: number): Promise<{ total: number; byRemote: Record<string, number> } | null> {
  const text = await readFile('/proc/net/tcp', 'utf8').catch(() => null);
  if (text === null) return null;
  const ip = (hex: string): string => (hex.match(/../g) ?? []).map((b) => Number.parseInt(b, 16)).reverse().join('.');
  // /proc/net/tcp prints the address as one 32-bit word in host (little-endian) order
  const addr = host.split('.').map((b) => Number(b).toString(16).toUpperCase().padStart(2, '0')).reverse().join('');
  const local = `${addr}:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  let total = 0;
  const byRemote: Record<string, number> = {};
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/, 4);
    if (f[1] !== local || f[3] !== '01') continue;
    total++;
    const remote = ip(f[2]!.split(':')[0]!);
    byRemote[remote] = (byRemote[remote] ?? 0) + 1;
  }
  return { total, byRemote };
}

/** The views of the open connections after a stage: generator, server, kernel (exact local address), and harness/procfs establishedOnPort. */
export async function connectionViews(m: StageMeasurement, t: ConnectionTarget): Promise<{ generator: number; server: number; kernel: number | null; byPort: number | null }> {
  const stats = await t.admin.stats();
  const server = stats.services.user!.instances.reduce((a, i) => a + i.openConnections, 0);
  return { generator: m.openAtEnd, server, kernel: await establishedOn(t.host, t.port), byPort: await establishedOnPort(t.port, t.host) };
}

const reuse = (opened: number, requests: number): number => (requests === 0 ? 0 : 1 - opened / requests);

/**
 * Check 4: connection counts and reuse, from three edges. The generator's connections stay
 * open between stages, so after each stage all three counts must be K; reuse is counted by
 * the generator (connections opened in the window / requests) and by the mock upstream
 * (connections accepted / requests received) over the same window.
 */
export async function connectionsCheck(gen: LoadGenerator, t: ConnectionTarget, o: { connections: number; rate: number; durationMs: number }): Promise<CheckResult> {
  const t0 = Date.now();
  const rows: CheckRow[] = [];
  const plan = accuracyPlan(t.host, t.port, { connections: o.connections, rate: o.rate, durationMs: o.durationMs, warmupMs: 0, connectRate: 2000 });
  const user = 'user';

  // A: ramp K connections
  await t.admin.control({ action: 'reset-counters', service: user });
  const a = await gen.runStage(plan);
  const va = await connectionViews(a, t);
  const peersA = await establishedPeers(t.host, t.port);
  const accA = sumCounter(await t.admin.stats(), 'connectionsAccepted', user);
  rows.push({ case: `ramp to ${o.connections}: generator established`, expected: String(o.connections), measured: String((a.connectionCounts.established ?? 0)), tolerance: 'exact', pass: (a.connectionCounts.established ?? 0) === o.connections });
  rows.push({ case: `ramp to ${o.connections}: open at end - generator / server (openConnections) / kernel (/proc/net/tcp ESTABLISHED on the server's address:port)`, expected: `${o.connections} / ${o.connections} / ${o.connections}`, measured: `${va.generator} / ${va.server} / ${va.kernel}`, tolerance: 'exact', pass: va.generator === o.connections && va.server === o.connections && va.kernel === o.connections });
  rows.push({ case: 'ramp: connections accepted by the server vs opened by the generator', expected: String((a.connectionCounts.established ?? 0) + a.connectionCounts.reopened), measured: String(accA), tolerance: 'exact', pass: accA === (a.connectionCounts.established ?? 0) + a.connectionCounts.reopened });

  // B: steady stage on the same connections: full reuse on both sides
  await t.admin.control({ action: 'reset-counters', service: user });
  const b = await gen.runStage({ ...plan, index: 1 });
  const sb = await t.admin.stats();
  const reqB = sumCounter(sb, 'requests', user);
  const accB = sumCounter(sb, 'connectionsAccepted', user);
  rows.push({ case: 'steady: requests issued (generator) vs received (server)', expected: String(b.requests), measured: String(reqB), tolerance: 'exact', pass: reqB === b.requests });
  rows.push({ case: 'steady: reuse client vs server', expected: reuse(b.connectionsOpenedInWindow, b.requests).toFixed(4), measured: reuse(accB, reqB).toFixed(4), tolerance: 'exact (both 1 - opened/requests)', pass: accB === b.connectionsOpenedInWindow && reqB === b.requests });

  // C: the server drops every connection mid-window; the generator reconnects
  await t.admin.control({ action: 'reset-counters', service: user });
  let closed = 0;
  let closeError: Error | null = null;
  const at = atWindowOffset(plan, o.durationMs / 2, () => {
    t.admin.control({ action: 'close-connections', service: user }).then((r) => { closed = r.closed ?? 0; }, (e: Error) => { closeError = e; });
  });
  const c = await gen.runStage({ ...plan, index: 2 }, { onProgress: at.onProgress });
  at.cancel();
  if (closeError) throw closeError;
  const sc = await t.admin.stats();
  const reqC = sumCounter(sc, 'requests', user);
  const accC = sumCounter(sc, 'connectionsAccepted', user);
  const vc = await connectionViews(c, t);
  rows.push({ case: `server closes all ${closed} connections mid-window: reconnects (generator opened in window) vs server accepted`, expected: String(c.connectionsOpenedInWindow), measured: String(accC), tolerance: 'exact', pass: accC === c.connectionsOpenedInWindow && closed === o.connections });
  // a request written as the server destroyed its socket may never be read: it is a `reset` on the client
  const resets = c.errors['reset'] ?? 0;
  rows.push({ case: 'after close: requests issued vs received', expected: String(c.requests), measured: String(reqC), tolerance: `-${resets} (requests lost in a reset)`, pass: reqC <= c.requests && reqC >= c.requests - resets });
  // the only allowed difference: requests lost in a reset are issued but never received
  const rc = reuse(c.connectionsOpenedInWindow, c.requests);
  const lostTol = Math.abs(rc - reuse(c.connectionsOpenedInWindow, c.requests - resets)) + 1e-9;
  rows.push({ case: 'after close: reuse client vs server', expected: rc.toFixed(4), measured: reuse(accC, reqC).toFixed(4), tolerance: `±${lostTol.toFixed(4)} (the ${resets} reset requests)`, pass: Math.abs(rc - reuse(accC, reqC)) <= lostTol });
  rows.push({ case: 'after close: open at end - generator / server / kernel', expected: `${o.connections} / ${o.connections} / ${o.connections}`, measured: `${vc.generator} / ${vc.server} / ${vc.kernel}`, tolerance: 'exact', pass: vc.generator === o.connections && vc.server === o.connections && vc.kernel === o.connections });
  return {
    id: 'connections', title: '4. Connection counts and reuse',
    method: [
      `A fresh generator (${a.generator.workers} workers) and a fresh mock upstream: the generator holds ${o.connections} connections to a mock upstream instance at ${o.rate} req/s. After each stage the open connections are counted three ways: the generator's own count, the server's \`openConnections\` gauge, and the kernel's ESTABLISHED sockets whose local end is the server's address and port (/proc/net/tcp, read independently; the harness's own \`establishedOnPort\` is shown below the table).`,
      'Reuse = 1 - connections opened / requests, counted on the client (connections opened in the window / requests issued) and on the server (connections accepted / requests received, counters reset before the stage). A steady stage must reuse every connection; then the server drops every connection mid-window (admin `close-connections`) and both sides must count the same reconnects.',
    ],
    rows, extra: [
      `Kernel sockets after the ramp by remote address: ${JSON.stringify(peersA?.byRemote ?? {})} (the generator's workers connect from their own 127.1.0.x addresses).`,
      `Errors in the close stage: ${JSON.stringify(c.errors)} (resets are the requests in flight when the server closed).`,
      `harness/procfs.ts \`establishedOnPort(${t.port}, ${t.host})\`, which \`gw-bench run\` uses for its server-side count, counted ${va.byPort} after the ramp and ${vc.byPort} after the close stage.`,
    ], pass: rows.every((r) => r.pass), seconds: (Date.now() - t0) / 1000,
  };
}
