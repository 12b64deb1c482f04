import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../../core/errors.js';
import type { EtcdSourceConfig } from './feature-types.js';
import { EtcdClient, type EtcdKv } from './etcd-client.js';

type Obj = Record<string, unknown>;

/** One consistent view of the prefix: its keys at `revision`. */
export interface EtcdRevision { readonly revision: number; readonly entries: ReadonlyMap<string, string> }

/**
 * Build the config layer of one revision: each key `<prefix><section>` holds the YAML (or
 * JSON) of one top-level config section, e.g. `/gw-bench/gateway/routes`. A key
 * `<prefix>config` may hold a whole document, merged first. ConfigError on bad YAML.
 */
export function layerOf(rev: EtcdRevision, prefix: string): Obj {
  const layer: Obj = {};
  const sorted = [...rev.entries].sort(([a], [b]) => (a === `${prefix}config` ? -1 : b === `${prefix}config` ? 1 : a.localeCompare(b)));
  for (const [key, text] of sorted) {
    const name = key.slice(prefix.length);
    if (name === '' || name.includes('/')) throw new ConfigError(`etcd ${key}: keys under ${prefix} must name one config section (e.g. ${prefix}routes)`);
    let doc: unknown;
    try { doc = parseYaml(text); } catch (err) { throw new ConfigError(`etcd ${key} (revision ${rev.revision}): invalid YAML (${(err as Error).message.split('\n')[0]})`); }
    if (name === 'config') {
      if (doc !== null && (typeof doc !== 'object' || Array.isArray(doc))) throw new ConfigError(`etcd ${key} (revision ${rev.revision}): must be a mapping`);
      Object.assign(layer, doc ?? {});
    } else layer[name] = doc;
  }
  return layer;
}

/**
 * Watches an etcd key prefix and reports each revision of it. On (re)connect it reads
 * the whole prefix, reports it, and watches from the next revision, so nothing between
 * an outage and the new watch is missed. Any failure (etcd down, stream cut, revision
 * compacted) retries with backoff (100 ms doubling to `maxBackoffMs`) over the endpoints
 * in turn; meanwhile the caller keeps whatever it last applied.
 */
export class EtcdSource {
  private readonly entries = new Map<string, string>();
  private closed = false;
  private readonly ac = new AbortController();
  private endpointIndex = 0;
  private clients: EtcdClient[];
  private firstSync: Promise<void>;
  private resolveFirst!: () => void;
  private lastRevision = 0;

  constructor(
    private readonly cfg: EtcdSourceConfig,
    private readonly onRevision: (rev: EtcdRevision) => void,
    private readonly log: (line: string) => void,
  ) {
    this.clients = cfg.endpoints.map((e) => new EtcdClient(e));
    this.firstSync = new Promise((r) => { this.resolveFirst = r; });
    void this.loop();
  }

  /** Resolves after the first successful read, or after `ms` (etcd unreachable at start). */
  ready(ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    return Promise.race([this.firstSync, new Promise<void>((r) => { timer = setTimeout(r, ms); })]).finally(() => clearTimeout(timer));
  }

  get revision(): number { return this.lastRevision; }

  private emit(revision: number): void {
    this.lastRevision = revision;
    this.onRevision({ revision, entries: new Map(this.entries) });
  }

  private async loop(): Promise<void> {
    let backoff = 100;
    let down = false;
    while (!this.closed) {
      const client = this.clients[this.endpointIndex % this.clients.length]!;
      try {
        const { revision, kvs } = await client.rangePrefix(this.cfg.prefix);
        if (down) this.log(`gateway: etcd ${client.endpoint} reachable again (revision ${revision}); watching ${this.cfg.prefix}`);
        down = false;
        backoff = 100;
        this.entries.clear();
        for (const kv of kvs) this.entries.set(kv.key, kv.value);
        if (revision !== this.lastRevision) this.emit(revision);
        this.resolveFirst();
        await client.watchPrefix(this.cfg.prefix, revision + 1, (events, _rev) => {
          let rev = 0;
          for (const e of events) {
            if (e.type === 'DELETE') this.entries.delete(e.kv.key); else this.entries.set(e.kv.key, e.kv.value);
            rev = Math.max(rev, (e.kv as EtcdKv).modRevision);
          }
          this.emit(rev);
        }, this.ac.signal);
      } catch (err) {
        if (this.closed) return;
        if (!down) this.log(`gateway: etcd ${client.endpoint} unavailable (${(err as Error).message}); keeping the running config, retrying`);
        down = true;
        this.endpointIndex++;
      }
      if (this.closed) return;
      await new Promise((r) => setTimeout(r, backoff));
      backoff = Math.min(backoff * 2, this.cfg.maxBackoffMs);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.ac.abort();
    await Promise.allSettled(this.clients.map((c) => c.close()));
  }
}
