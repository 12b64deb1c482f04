import { randomInt, type Rng } from '../core/prng.js';
import type { AuthKind, TokenPool, VariableRanges } from './types.js';

/**
 * Request templates shared by both engines: `${uid}`, `${room_id}`, `${seq}`, `${rand}` in
 * the path, header values and body; and the auth header a request of each kind carries.
 * Within one request every occurrence of a variable has the same value (a `${uid}` in the
 * path and in the body name the same user); values are drawn on first use, so a template
 * with each variable once draws exactly as before.
 */

export type TemplatePart = { literal: boolean; value: string };

const VAR = /\$\{(uid|room_id|seq|rand)\}/g;

/** Split a template into literal pieces and variable names. */
export function compileTemplate(text: string): TemplatePart[] {
  const out: TemplatePart[] = [];
  let last = 0;
  for (const m of text.matchAll(VAR)) {
    if (m.index! > last) out.push({ literal: true, value: text.slice(last, m.index) });
    out.push({ literal: false, value: m[1]! });
    last = m.index! + m[0].length;
  }
  if (last < text.length) out.push({ literal: true, value: text.slice(last) });
  return out;
}

export const isStatic = (parts: readonly TemplatePart[]): boolean => parts.every((p) => p.literal);

/**
 * The variable values of one request, drawn lazily from the seeded generator. Fields, not
 * a map per request: a request whose template has no variables costs nothing here.
 */
export class RequestVars {
  private seq = 0;
  private uid: string | null = null;
  private room: string | null = null;
  private rand: string | null = null;
  constructor(private readonly rng: Rng, private readonly vars: VariableRanges) {}

  /** Start a new request with sequence number `seq`. */
  reset(seq: number): void {
    this.seq = seq;
    this.uid = null;
    this.room = null;
    this.rand = null;
  }

  get(name: string): string {
    switch (name) {
      case 'seq': return String(this.seq);
      case 'uid': return (this.uid ??= String(randomInt(this.rng, this.vars.uid[0], this.vars.uid[1])));
      case 'room_id': return (this.room ??= String(randomInt(this.rng, this.vars.room_id[0], this.vars.room_id[1])));
      default: return (this.rand ??= String((this.rng() * 4294967296) >>> 0));
    }
  }

  render(parts: readonly TemplatePart[]): string {
    let s = '';
    for (const p of parts) s += p.literal ? p.value : this.get(p.value);
    return s;
  }
}

/**
 * The auth headers requests of `kind` rotate through ([name, value] each). Valid requests
 * send the scenario's fixed header when it has one, else a bearer token from the pool
 * (generated JWTs or the scenario's token file).
 */
export function authHeaders(kind: AuthKind, tokens: TokenPool): Array<[string, string]> {
  if (kind === 'none') return [];
  if (kind === 'valid' && tokens.header) return [[tokens.header.name, tokens.header.value]];
  const pool = kind === 'valid' ? tokens.valid : kind === 'expired' ? tokens.expired : tokens.badSignature;
  return pool.map((t) => ['authorization', `Bearer ${t}`]);
}

/** Whether a status list (`[200, 204]`, `['2xx']`) accepts `status`. */
export function statusAccepted(status: number, accepted: ReadonlyArray<number | string>): boolean {
  for (const a of accepted) {
    if (a === status) return true;
    if (typeof a === 'string' && a.length === 3 && a.endsWith('xx') && Math.floor(status / 100) === Number(a[0])) return true;
  }
  return false;
}
