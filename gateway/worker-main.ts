/**
 * Entry point of a cluster worker process. Workers start here instead of re-running the
 * whole CLI, so each one loads only the gateway (about 10 MB less RSS per worker than a
 * full `gw-bench` process, which adds up over the 6+ workers a 100k-connection run needs).
 * The primary passes its config sources in GWB_GATEWAY_WORKER_OPTS.
 */
import { runEntry } from '../core/processes/entry.js';
import { runGateway } from './run.js';

interface WorkerOpts { file?: string | null; overrides?: Record<string, unknown>; env?: Record<string, string | undefined> }

const opts = JSON.parse(process.env.GWB_GATEWAY_WORKER_OPTS ?? '{}') as WorkerOpts;
runEntry('gateway worker', () => runGateway({ file: opts.file ?? null, overrides: opts.overrides, env: opts.env }));
