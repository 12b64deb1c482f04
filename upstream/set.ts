import type { UpstreamConfig } from './config.js';
import type { ControlCommand, ControlResult } from './controls.js';
import { UpstreamInstance } from './instance.js';
import { ServiceState } from './service-state.js';
import { describeLatency } from './latency.js';
import { startAdminServer, type AdminServer } from './admin.js';
import type { UpstreamStats } from './stats.js';

/** Where one service's instances listen. */
export interface ServiceEndpoints {
  instances: { id: string; port: number; url: string }[];
  urls: string[];
}

/** A running set of mock upstream services plus their admin port. */
export class UpstreamSet {
  readonly adminUrl: string;
  readonly adminPort: number;
  private closed = false;

  /** Use startUpstreams(). */
  constructor(
    readonly config: UpstreamConfig,
    private readonly states: Map<string, ServiceState>,
    private readonly instances: Map<string, UpstreamInstance[]>,
    private readonly admin: AdminServer,
  ) {
    this.adminPort = admin.port;
    this.adminUrl = `http://${config.host}:${admin.port}`;
  }

  /** Service name -> its instances' ports and URLs (ports are real even when configured as 0). */
  get services(): Record<string, ServiceEndpoints> {
    const out: Record<string, ServiceEndpoints> = {};
    for (const [name, list] of this.instances) {
      const instances = list.map((i) => ({ id: i.id, port: i.port, url: i.url }));
      out[name] = { instances, urls: instances.map((i) => i.url) };
    }
    return out;
  }

  serviceNames(): string[] {
    return [...this.states.keys()];
  }

  /** Counters of every instance plus each service's current faults. */
  stats(): UpstreamStats {
    const services: UpstreamStats['services'] = {};
    for (const [name, state] of this.states) {
      services[name] = {
        instances: this.instances.get(name)!.map((i) => i.stats()),
        faults: {
          latency: describeLatency(state.latency),
          errorRate: state.errorRate,
          errorStatus: state.errorStatus,
          stallRemainingMs: state.stallRemainingMs(),
          refusing: state.refusing,
        },
      };
    }
    return { services };
  }

  /** Apply one fault control to one service or, without `service`, to all of them. */
  async control(cmd: ControlCommand): Promise<ControlResult> {
    const names = cmd.service === undefined ? this.serviceNames() : [cmd.service];
    let closed = 0;
    for (const name of names) {
      const state = this.states.get(name);
      const list = this.instances.get(name);
      if (!state || !list) throw new Error(`unknown service ${JSON.stringify(name)}`);
      switch (cmd.action) {
        case 'stall': state.stall(cmd.ms); break;
        case 'close-connections': for (const i of list) closed += i.closeConnections(); break;
        case 'refuse': {
          const on = cmd.on ?? true;
          await Promise.all(list.map((i) => i.setRefusing(on)));
          state.refusing = on;
          break;
        }
        case 'errors':
          state.errorRate = cmd.rate;
          if (cmd.status !== undefined) state.errorStatus = cmd.status;
          break;
        case 'latency': state.setLatency(cmd.latency); break;
        case 'reset-counters': for (const i of list) i.resetCounters(); break;
        case 'mark-window': for (const i of list) i.markWindow(); break;
        case 'reset':
          state.restore();
          await Promise.all(list.map((i) => i.setRefusing(false)));
          state.refusing = false;
          break;
      }
    }
    return { ok: true, action: cmd.action, services: names, ...(cmd.action === 'close-connections' ? { closed } : {}) };
  }

  /** Stop everything; idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.states.values()) s.releaseStall();
    await this.admin.close();
    await Promise.all([...this.instances.values()].flat().map((i) => i.close()));
  }
}

/** Start every configured service instance and the admin server; rejects (closing what started) if a port is taken. */
export async function startUpstreams(config: UpstreamConfig): Promise<UpstreamSet> {
  const states = new Map<string, ServiceState>();
  const instances = new Map<string, UpstreamInstance[]>();
  const started: UpstreamInstance[] = [];
  let admin: AdminServer | undefined;
  try {
    for (const [name, sc] of Object.entries(config.services)) {
      const state = new ServiceState(name, sc);
      const list = sc.ports.map((port, idx) => new UpstreamInstance(`${name}-${idx}`, config.host, port, state, config.seed));
      state.onLatencyChange = () => { for (const i of list) i.useLatency(); };
      states.set(name, state);
      instances.set(name, list);
      for (const i of list) {
        await i.listen();
        started.push(i);
      }
    }
    let set: UpstreamSet | undefined;
    admin = await startAdminServer(config.host, config.adminPort, {
      stats: () => set!.stats(),
      control: (cmd) => set!.control(cmd),
      serviceNames: () => [...states.keys()],
    });
    set = new UpstreamSet(config, states, instances, admin);
    return set;
  } catch (err) {
    await Promise.all(started.map((i) => i.close()));
    await admin?.close();
    throw err;
  }
}
