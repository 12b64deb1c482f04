import type { AuthKind, RequestTemplate, TokenPool, VariableRanges } from './types.js';
import { mulberry32, randomInt, type Rng } from '../core/prng.js';

/**
 * What to send: picks a template from the weighted mix, fills the path variables and the
 * bearer token, and returns the request head as one string. Everything that does not
 * change per request (method, static headers, body, each token's header line) is built
 * once, so a request costs a few string concatenations.
 */

export interface BuiltRequest {
  head: string;
  body: Buffer | null;
  /** The template's auth kind makes 401 the correct answer. */
  expect401: boolean;
  noBody: boolean;
}

interface Compiled {
  cumWeight: number;
  parts: { literal: boolean; value: string }[];
  prefix: string;
  suffix: string;
  body: Buffer | null;
  authLines: string[];
  expect401: boolean;
  noBody: boolean;
}

const VAR = /\$\{(uid|room_id|seq|rand)\}/g;

/** Split a path into literal pieces and variable names. */
export function compilePath(path: string): { literal: boolean; value: string }[] {
  const out: { literal: boolean; value: string }[] = [];
  let last = 0;
  for (const m of path.matchAll(VAR)) {
    if (m.index! > last) out.push({ literal: true, value: path.slice(last, m.index) });
    out.push({ literal: false, value: m[1]! });
    last = m.index! + m[0].length;
  }
  if (last < path.length) out.push({ literal: true, value: path.slice(last) });
  return out;
}

/** The tokens a request of this auth kind carries, replayed round-robin (none for 'none'). The one place a kind picks its pool. */
export function tokensFor(kind: AuthKind, tokens: TokenPool): string[] {
  switch (kind) {
    case 'valid': return tokens.valid;
    case 'expired': return tokens.expired;
    case 'bad-signature': return tokens.badSignature;
    case 'none': return [];
  }
}

export class RequestBuilder {
  private readonly compiled: Compiled[];
  private readonly totalWeight: number;
  private readonly rng: Rng;
  private readonly rr: number[];
  private seq = 0;
  /** latin1 is the cheaper write; utf8 only when a template or token is not plain ASCII. */
  readonly encoding: 'latin1' | 'utf8';

  constructor(templates: readonly RequestTemplate[], tokens: TokenPool, private readonly vars: VariableRanges, host: string, seed: number) {
    this.rng = mulberry32(seed ^ 0x5bd1e995);
    let cum = 0;
    this.compiled = templates.map((t) => {
      cum += t.weight;
      const headerLines = Object.entries(t.headers)
        .filter(([k]) => !['host', 'content-length', 'authorization'].includes(k.toLowerCase()))
        .map(([k, v]) => `${k}: ${v}\r\n`).join('');
      const body = t.bodyBytes > 0 ? Buffer.alloc(t.bodyBytes, 0x61) : null;
      const lengthLine = body !== null || ['POST', 'PUT', 'PATCH'].includes(t.method.toUpperCase()) ? `content-length: ${t.bodyBytes}\r\n` : '';
      return {
        cumWeight: cum,
        parts: compilePath(t.path),
        prefix: `${t.method.toUpperCase()} `,
        suffix: ` HTTP/1.1\r\nhost: ${host}\r\n${headerLines}${lengthLine}`,
        body,
        authLines: tokensFor(t.auth, tokens).map((tok) => `authorization: Bearer ${tok}\r\n`),
        expect401: t.auth !== 'valid',
        noBody: t.method.toUpperCase() === 'HEAD',
      };
    });
    this.totalWeight = cum;
    const ascii = (x: string): boolean => /^[\x00-\x7f]*$/.test(x);
    this.encoding = this.compiled.every((c) => ascii(c.prefix + c.suffix + c.authLines.join('') + c.parts.map((p) => p.value).join(''))) ? 'latin1' : 'utf8';
    this.rr = this.compiled.map(() => 0);
  }

  /** The next request of the mix. */
  next(): BuiltRequest {
    const ci = this.pick();
    const c = this.compiled[ci]!;
    const seq = this.seq++;
    let path = '';
    for (const p of c.parts) {
      if (p.literal) path += p.value;
      else if (p.value === 'uid') path += randomInt(this.rng, this.vars.uid[0], this.vars.uid[1]);
      else if (p.value === 'room_id') path += randomInt(this.rng, this.vars.room_id[0], this.vars.room_id[1]);
      else if (p.value === 'seq') path += seq;
      else path += (this.rng() * 4294967296) >>> 0;
    }
    let auth = '';
    if (c.authLines.length > 0) {
      const i = this.rr[ci]!;
      auth = c.authLines[i % c.authLines.length]!;
      this.rr[ci] = i + 1;
    }
    return { head: c.prefix + path + c.suffix + auth + '\r\n', body: c.body, expect401: c.expect401, noBody: c.noBody };
  }

  /** Index of a template drawn by weight (seeded). */
  private pick(): number {
    const n = this.compiled.length;
    if (n === 1) return 0;
    const x = this.rng() * this.totalWeight;
    for (let i = 0; i < n; i++) if (x < this.compiled[i]!.cumWeight) return i;
    return n - 1;
  }
}
