import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { faultPlan, realErrors, runWithEvents, type FaultFigures, type StageEvent } from './load.js';
import { startRig } from './rig.js';

/** Config reloads and SIGTERM drain, each under load. */

/** A distinct, valid config per reload: the upstream deadline and breaker threshold change each time. */
const configText = (i: number): string => `deadlines: { upstream: ${1000 + i}ms }\nbreaker: { failures: ${5 + (i % 3)} }\n`;

/** `count` config reloads (each confirmed in the log before the next) during one load stage. */
export async function reloadsUnderLoad(count = 100): Promise<FaultFigures & { reloads: number; rejected: number; reloadMs: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'gwb-reloads-'));
  const file = join(dir, 'gateway.yaml');
  await writeFile(file, configText(0));
  let reloads = 0;
  let rejected = 0;
  const rig = await startRig({ args: ['--config', file], onLine: (l) => { if (/config reloaded/.test(l)) reloads++; if (/reload rejected/.test(l)) rejected++; } });
  let reloadMs = 0;
  let f: (FaultFigures & { reloads: number; rejected: number; reloadMs: number }) | undefined;
  try {
    const driver: StageEvent = {
      atMs: 1000,
      run: async () => {
        const t0 = Date.now();
        for (let i = 1; i <= count; i++) {
          const want = reloads + 1;
          // Atomic replace, as deploy tools do; the watcher debounces 100 ms.
          await writeFile(`${file}.tmp`, configText(i));
          await rename(`${file}.tmp`, file);
          for (let w = 0; w < 100 && reloads < want; w++) await new Promise((r) => setTimeout(r, 20));
        }
        reloadMs = Date.now() - t0;
      },
    };
    const r = await runWithEvents(faultPlan(rig, { durationMs: Math.max(10_000, count * 250) }), [driver]);
    f = {
      name: `${count} config reloads`, fault: `${count} config file replacements during one stage, each confirmed before the next`,
      requests: r.m?.requests ?? 0, errors: r.m ? realErrors(r.m) : { stage_failed: 1 }, recoveryMs: null, recoveryNote: 'nothing to recover from',
      crashes: rig.gateway.alive() ? 0 : 1, hung: r.hung, orphans: 0, notes: [`reloads applied: ${reloads}`, `rejected: ${rejected}`, ...(r.error ? [r.error] : [])],
      reloads, rejected, reloadMs,
    };
    return f;
  } finally {
    const orphans = await rig.close();
    if (f) f.orphans = orphans; // the caller gets this same object
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * SIGTERM to the gateway while 32 clients keep requests in flight (upstream latency 200 ms):
 * every request sent before the signal must complete with 200; the gateway exits 0.
 */
export async function drainUnderLoad(workers = 1): Promise<FaultFigures & { inFlightAtSignal: number; failedInFlight: number; exitCode: number | null; drainMs: number }> {
  const rig = await startRig({ workers });
  const agent = new Agent({ connections: 32, keepAliveTimeout: 30_000 });
  let f: (FaultFigures & { inFlightAtSignal: number; failedInFlight: number; exitCode: number | null; drainMs: number }) | undefined;
  try {
    await rig.upstreams.admin.control({ action: 'latency', latency: { model: 'constant', ms: 200 } });
    const results: { sentAt: number; doneAt: number; ok: boolean; what: string }[] = [];
    let signalAt = Number.POSITIVE_INFINITY;
    let stop = false;
    const auth = { authorization: `Bearer ${rig.jwt.tokens.valid[0]}` };
    const loop = async (id: number): Promise<void> => {
      for (let i = 0; !stop && i < 1000; i++) {
        const sentAt = Date.now();
        try {
          const res = await request(`${rig.url}/api/user/${id * 1000 + i}`, { dispatcher: agent, headers: auth, headersTimeout: 10_000, bodyTimeout: 10_000 });
          await res.body.dump();
          results.push({ sentAt, doneAt: Date.now(), ok: res.statusCode === 200, what: String(res.statusCode) });
        } catch (e) {
          results.push({ sentAt, doneAt: Date.now(), ok: false, what: (e as { code?: string }).code ?? (e as Error).message });
          if (sentAt > signalAt) return; // refused after the signal: this client is done
        }
      }
    };
    const loops = Array.from({ length: 32 }, (_, i) => loop(i));
    await new Promise((r) => setTimeout(r, 1500));
    signalAt = Date.now();
    process.kill(rig.gateway.pid!, 'SIGTERM');
    const exited = rig.gateway.process!.proc.then(() => Date.now());
    const bound = new Promise<number>((r) => setTimeout(() => r(-1), 15_000));
    const exitAt = await Promise.race([exited, bound]);
    stop = true;
    await Promise.race([Promise.all(loops), new Promise((r) => setTimeout(r, 5000))]);
    // Sent before the signal: all must succeed; in flight: sent before, answered after.
    const sentBefore = results.filter((x) => x.sentAt < signalAt);
    const inFlight = sentBefore.filter((x) => x.doneAt >= signalAt);
    // A connect refused because the listener had closed never reached the gateway: that request's
    // socket was opened after the signal (the client only stamped it earlier), so it was not in
    // flight. It is counted apart, not hidden.
    const refusedAtConnect = sentBefore.filter((x) => !x.ok && x.what === 'ECONNREFUSED').length;
    const failed = sentBefore.filter((x) => !x.ok && x.what !== 'ECONNREFUSED');
    const errors: Record<string, number> = {};
    for (const f of failed) errors[f.what] = (errors[f.what] ?? 0) + 1;
    const exitCode = rig.gateway.process!.exitInfo?.code ?? null;
    f = {
      name: `SIGTERM drain (${workers} worker${workers > 1 ? 's' : ''})`, fault: 'SIGTERM to the gateway with 32 requests in flight (upstream latency 200 ms)',
      requests: sentBefore.length, errors, recoveryMs: null, recoveryNote: 'the gateway exits by design',
      crashes: exitCode === 0 ? 0 : 1, hung: exitAt < 0, orphans: 0,
      notes: [`exit code ${exitCode}`, `drained in ${exitAt < 0 ? 'n/a' : exitAt - signalAt} ms`, `requests after the signal refused: ${results.filter((x) => x.sentAt >= signalAt && !x.ok).length}`, `stamped before the signal but refused at connect (listener closed): ${refusedAtConnect}`,
        ...failed.map((x) => `failed in flight: ${x.what}, sent ${x.sentAt - signalAt} ms, ended ${x.doneAt - signalAt} ms from the signal`)],
      inFlightAtSignal: inFlight.length, failedInFlight: failed.length, exitCode, drainMs: exitAt < 0 ? -1 : exitAt - signalAt,
    };
    return f;
  } finally {
    await agent.close();
    const orphans = await rig.close();
    if (f) f.orphans = orphans;
  }
}
