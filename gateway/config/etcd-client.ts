import { Agent, request } from 'undici';

/**
 * The few calls of etcd's v3 API the gateway needs, over etcd's own HTTP/JSON gateway
 * (`/v3/kv/range`, `/v3/kv/put`, `/v3/watch`, served on the client URL by etcd 3.4+).
 * No gRPC stack to install: keys and values are base64 in JSON, a watch is one long
 * POST whose response streams one JSON object per line.
 */

export interface EtcdKv { readonly key: string; readonly value: string; readonly modRevision: number }
export interface EtcdWatchEvent { readonly type: 'PUT' | 'DELETE'; readonly kv: EtcdKv }

/** etcd answered, but not as expected (an error, or a cancelled watch). */
export class EtcdError extends Error {}

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
const unb64 = (s: string | undefined): string => Buffer.from(s ?? '', 'base64').toString('utf8');

/** The range end covering every key that starts with `prefix` (prefix with its last byte + 1). */
export function prefixEnd(prefix: string): string {
  const buf = Buffer.from(prefix, 'utf8');
  for (let i = buf.length - 1; i >= 0; i--) {
    if (buf[i]! < 0xff) { const out = buf.subarray(0, i + 1); out[i]!++; return out.toString('base64'); }
  }
  return Buffer.from([0]).toString('base64');
}

interface RawKv { key?: string; value?: string; mod_revision?: string }
const kvOf = (k: RawKv): EtcdKv => ({ key: unb64(k.key), value: unb64(k.value), modRevision: Number(k.mod_revision ?? 0) });

export class EtcdClient {
  // Watches idle for as long as nothing changes: no body timeout.
  private readonly agent = new Agent({ connections: 4, headersTimeout: 5000, bodyTimeout: 0, connectTimeout: 2000 });

  constructor(readonly endpoint: string) {}

  private async call<T>(path: string, body: unknown): Promise<T> {
    const r = await request(`${this.endpoint}${path}`, { method: 'POST', body: JSON.stringify(body), dispatcher: this.agent, headersTimeout: 5000, bodyTimeout: 5000 });
    const text = await r.body.text();
    if (r.statusCode !== 200) throw new EtcdError(`etcd ${path}: HTTP ${r.statusCode} ${text.slice(0, 200)}`);
    return JSON.parse(text) as T;
  }

  /** Every key under `prefix` and the store revision they were read at. */
  async rangePrefix(prefix: string): Promise<{ revision: number; kvs: EtcdKv[] }> {
    const r = await this.call<{ header?: { revision?: string }; kvs?: RawKv[] }>('/v3/kv/range', { key: b64(prefix), range_end: prefixEnd(prefix) });
    return { revision: Number(r.header?.revision ?? 0), kvs: (r.kvs ?? []).map(kvOf) };
  }

  async put(key: string, value: string): Promise<number> {
    const r = await this.call<{ header?: { revision?: string } }>('/v3/kv/put', { key: b64(key), value: b64(value) });
    return Number(r.header?.revision ?? 0);
  }

  async deletePrefix(prefix: string): Promise<void> {
    await this.call('/v3/kv/deleterange', { key: b64(prefix), range_end: prefixEnd(prefix) });
  }

  /**
   * Watch `prefix` from `startRevision`; `onBatch` gets each response's events and its
   * revision. Resolves when `signal` aborts; rejects when the stream breaks (etcd gone)
   * or etcd cancels the watch (e.g. the revision was compacted): the caller re-reads.
   */
  async watchPrefix(prefix: string, startRevision: number, onBatch: (events: EtcdWatchEvent[], revision: number) => void, signal: AbortSignal): Promise<void> {
    const r = await request(`${this.endpoint}/v3/watch`, {
      method: 'POST', dispatcher: this.agent, signal, bodyTimeout: 0,
      body: JSON.stringify({ create_request: { key: b64(prefix), range_end: prefixEnd(prefix), start_revision: String(startRevision) } }),
    });
    if (r.statusCode !== 200) { await r.body.dump(); throw new EtcdError(`etcd /v3/watch: HTTP ${r.statusCode}`); }
    let buf = '';
    try {
      for await (const chunk of r.body) {
        buf += (chunk as Buffer).toString('utf8');
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl).trim();
          buf = buf.slice(nl + 1);
          if (line) this.onLine(line, onBatch);
        }
      }
    } catch (err) {
      if (signal.aborted) return;
      throw err;
    }
    if (!signal.aborted) throw new EtcdError('etcd closed the watch stream');
  }

  private onLine(line: string, onBatch: (events: EtcdWatchEvent[], revision: number) => void): void {
    const msg = JSON.parse(line) as { result?: { header?: { revision?: string }; events?: { type?: string; kv?: RawKv }[]; canceled?: boolean; compact_revision?: string; cancel_reason?: string }; error?: { message?: string } };
    if (msg.error) throw new EtcdError(`etcd watch error: ${msg.error.message ?? line.slice(0, 200)}`);
    const res = msg.result;
    if (!res) return;
    if (res.canceled) throw new EtcdError(`etcd cancelled the watch${res.compact_revision ? ` (revision compacted to ${res.compact_revision})` : ''}${res.cancel_reason ? `: ${res.cancel_reason}` : ''}`);
    if (!res.events || res.events.length === 0) return;
    onBatch(res.events.map((e) => ({ type: e.type === 'DELETE' ? 'DELETE' : 'PUT', kv: kvOf(e.kv ?? {}) })), Number(res.header?.revision ?? 0));
  }

  close(): Promise<void> { return this.agent.close(); }
}
