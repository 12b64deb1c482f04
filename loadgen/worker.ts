import { ConnectionPool } from './connection-pool.js';
import { BUSY_LOOP_ENV, type FromWorker, type ToWorker, type WorkerStage } from './messages.js';
import { StageRun } from './stage-run.js';
import { DEFAULT_CONNECTION_SELECTION } from './selection.js';

/**
 * Entry point of a load-generator worker process (started by LoadGenerator with fork or
 * through taskset). It keeps one ConnectionPool for the whole run, so connections persist
 * across stages, and runs one stage at a time on the coordinator's orders.
 */

const pool = new ConnectionPool();
/** RSS of a worker holding nothing: subtracted so per-connection memory is not the Node base spread thin. */
const baseRssBytes = process.memoryUsage.rss();
startBusyLoop(process.env[BUSY_LOOP_ENV]);

/**
 * Debug knob of the accuracy suite (StartOptions.debugBusyLoop), read once here: block the
 * event loop for spinMs every everyMs, so both sends and response stamps run late.
 */
function startBusyLoop(spec: string | undefined): void {
  const m = spec ? /^(\d+(?:\.\d+)?)\/(\d+(?:\.\d+)?)$/.exec(spec) : null;
  if (!m) return;
  const [spinMs, everyMs] = [Number(m[1]), Number(m[2])];
  if (!(spinMs > 0 && everyMs > spinMs)) return;
  setInterval(() => {
    const until = performance.now() + spinMs;
    while (performance.now() < until) { /* spin on purpose */ }
  }, everyMs).unref();
}
let pending: WorkerStage | null = null;
let current: StageRun | null = null;

function send(m: FromWorker): void {
  if (process.connected) process.send!(m);
}

async function onMessage(m: ToWorker): Promise<void> {
  switch (m.type) {
    case 'stage': {
      pending = m.stage;
      const p = m.stage.plan;
      pool.setSelection(p.connectionSelection ?? DEFAULT_CONNECTION_SELECTION, p.seed + m.stage.workerIndex);
      const addrs = p.target.host.includes(':') ? [] : m.stage.sourceAddresses; // IPv4 sources cannot reach ::1
      // 'localhost' may resolve to ::1, which the IPv4 source addresses cannot reach
      const host = p.target.host === 'localhost' ? '127.0.0.1' : p.target.host;
      const ticker = setInterval(() => send({ type: 'progress', progress: { phase: 'connect', connectionsOpen: pool.open, issued: 0, completed: 0, errors: 0, recentHdr: '', generatorOk: true } }), 1000);
      try {
        const summary = await pool.resize(host, p.target.port, m.stage.connections, m.stage.connectRate, addrs);
        // A ramp of tens of thousands of connects leaves tens of MB of garbage; left alone,
        // the full collection it triggers (20-70 ms per worker measured at 12k sockets each,
        // more on a busy core) lands in the warm-up or the window as send lag. Collect it
        // now, before the stage's clock starts.
        (globalThis as { gc?: () => void }).gc?.();
        send({ type: 'connected', summary, open: pool.open });
      } finally {
        clearInterval(ticker);
      }
      return;
    }
    case 'go': {
      if (pending === null) { send({ type: 'failed', message: 'go before stage' }); return; }
      const run = new StageRun(pending, pool, m.startEpochMs, (progress) => send({ type: 'progress', progress }));
      current = run;
      const result = await run.run();
      current = null;
      pending = null;
      send({ type: 'result', result: { ...result, rssBytes: process.memoryUsage.rss(), baseRssBytes } });
      return;
    }
    case 'abort':
      // During a connect ramp there is no stage run yet: stop the ramp, or the worker would
      // keep connecting (minutes at a slow connect rate) before it could hear anything else.
      if (current === null) pool.cancelRamp();
      else current.abort();
      return;
    case 'exit':
      shutdown(0);
  }
}

function shutdown(code: number): void {
  pool.closeAll();
  process.exit(code);
}

if (typeof process.send !== 'function') {
  console.error('gw-bench load-generator worker: must be started by LoadGenerator (needs an IPC channel)');
  process.exit(2);
}
process.on('message', (m: ToWorker) => {
  onMessage(m).catch((e: unknown) => send({ type: 'failed', message: e instanceof Error ? e.stack ?? e.message : String(e) }));
});
// The coordinator died or closed the channel: never linger as an orphan holding sockets.
process.on('disconnect', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));
// Ctrl-C reaches the whole process group: the coordinator decides (abort, partial results,
// then close); a worker that died here would turn an interruption into a worker failure.
process.on('SIGINT', () => {});
send({ type: 'ready', pid: process.pid });
