import { createServer, type Server } from 'node:http';
import { Gauge, Registry } from 'prom-client';
import { GwBenchError } from '../core/errors.js';
import type { StageProgress } from '../loadgen/types.js';

/**
 * `--metrics-port`: the harness's own live numbers for a Prometheus scrape during long
 * runs (offered and achieved rate, p99 so far, errors, open connections, generator health).
 * Every series carries an `agent` label: the agent index of a distributed agent, `local`
 * for a run, so one dashboard shows both.
 */

export interface LiveMetricsOptions {
  /** Listen address (default 127.0.0.1; an agent in a pod uses 0.0.0.0 so Prometheus can scrape it). */
  host?: string;
  /** Value of the `agent` label (default `local`). */
  agent?: string;
}
export class LiveMetrics {
  private constructor(private readonly server: Server, private readonly g: Record<string, Gauge>, private readonly agent: string) {}

  static async start(port: number, opts: LiveMetricsOptions = {}): Promise<LiveMetrics> {
    const host = opts.host ?? '127.0.0.1';
    const registry = new Registry();
    const mk = (name: string, help: string) => new Gauge({ name, help, labelNames: ['stage', 'phase', 'agent'], registers: [registry] });
    const g = {
      offered: mk('gwbench_offered_rps', 'Offered request rate of the current stage'),
      achieved: mk('gwbench_achieved_rps', 'Completed requests per second, current stage'),
      p99: mk('gwbench_latency_p99_ms', 'p99 latency from intended send time so far in the stage (merged histograms)'),
      errors: mk('gwbench_errors', 'Errors so far in the stage'),
      conns: mk('gwbench_connections_open', 'Client connections open'),
      healthy: mk('gwbench_generator_ok', '1 while the generator keeps its schedule, 0 when it falls behind'),
    };
    const server = createServer(async (req, res) => {
      if (req.url !== '/metrics') { res.writeHead(404).end(); return; }
      res.writeHead(200, { 'content-type': registry.contentType }).end(await registry.metrics());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (e: NodeJS.ErrnoException) => reject(new GwBenchError('GW_ERR_USAGE', `--metrics-port ${port} (--metrics-host ${host}): ${e.code ?? e.message}`)));
      server.listen(port, host, resolve);
    });
    return new LiveMetrics(server, g, opts.agent ?? 'local');
  }

  update(p: StageProgress, stage: string): void {
    const l = { stage, phase: p.phase, agent: this.agent };
    this.g.offered!.reset(); this.g.achieved!.reset(); this.g.p99!.reset(); this.g.errors!.reset(); this.g.conns!.reset(); this.g.healthy!.reset();
    this.g.offered!.set(l, p.offeredRps);
    this.g.achieved!.set(l, p.achievedRps);
    if (p.p99SoFarMs !== null) this.g.p99!.set(l, p.p99SoFarMs);
    this.g.errors!.set(l, p.errors);
    this.g.conns!.set(l, p.connectionsOpen);
    this.g.healthy!.set(l, p.generatorOk ? 1 : 0);
  }

  stop(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }
}
