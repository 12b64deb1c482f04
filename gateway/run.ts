import cluster from 'node:cluster';
import { loadConfig } from './config/load.js';
import { exitCodeOf } from '../core/errors.js';
import { startGateway, type StartOptions } from './server.js';
import { runPrimary, runWorker } from './cluster.js';

/**
 * Run the gateway as a program (what `gw-bench gateway` does): load and validate the
 * config, start one process or a cluster, print `listening on http://HOST:PORT` on
 * stdout once connections are accepted (contract §1), drain and exit 0 on SIGTERM/SIGINT.
 * Resolves once listening; the process then lives until a signal.
 */
export async function runGateway(opts: StartOptions): Promise<void> {
  const config = loadConfig(opts);
  const announce = (url: string): void => { process.stdout.write(`listening on ${url}\n`); };
  if (cluster.isWorker) {
    try {
      await runWorker(config, opts);
    } catch (err) {
      // The IPC channel keeps a worker alive; exit once the caller has printed the error.
      setImmediate(() => process.exit(exitCodeOf(err)));
      throw err;
    }
    return;
  }
  if (config.workers > 1) { await runPrimary(config, opts, announce); return; }

  const gw = await startGateway(config, opts);
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void gw.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  announce(gw.url);
}
