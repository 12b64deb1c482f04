import type { RequestTemplate, TokenPool, VariableRanges } from './types.js';
import { mulberry32, type Rng } from '../core/prng.js';
import { authHeaders, compileTemplate, isStatic, RequestVars, type TemplatePart } from './templates.js';

/**
 * What to send: picks a template from the weighted mix, fills the variables (path, header
 * values, body) and the auth header, and returns the request head as one string.
 * Everything that does not change per request (method, static headers, a fixed body, each
 * token's header line) is built once, so a request costs a few string concatenations.
 */

export interface BuiltRequest {
  head: string;
  body: Buffer | null;
  /** The template's auth kind makes 401 the correct answer. */
  expect401: boolean;
  /** Accepted statuses from the scenario's `expect.status`, or null for the contract rule. */
  expectStatus: ReadonlyArray<number | string> | null;
  noBody: boolean;
}

interface Compiled {
  cumWeight: number;
  parts: TemplatePart[];
  prefix: string;
  suffix: string;
  /** Header lines with variables, rendered per request (empty for static headers). */
  dynamicHeaders: TemplatePart[];
  body: Buffer | null;
  /** Body template with variables (its content-length is computed per request). */
  bodyTemplate: TemplatePart[] | null;
  authLines: string[];
  /** The whole head per auth line when nothing in it varies (no variables, no templated body), else null. */
  fixedHeads: string[] | null;
  expect401: boolean;
  expectStatus: ReadonlyArray<number | string> | null;
  noBody: boolean;
}

/** Split a path into literal pieces and variable names. */
export const compilePath = compileTemplate;

/** A flat (non-rope) copy of a string. */
const flat = (s: string): string => Buffer.from(s, 'utf8').toString('utf8');

export class RequestBuilder {
  private readonly compiled: Compiled[];
  private readonly totalWeight: number;
  private readonly rng: Rng;
  private readonly rr: number[];
  private readonly vars: RequestVars;
  private seq = 0;
  /** latin1 is the cheaper write; utf8 only when a template or token is not plain ASCII. */
  readonly encoding: 'latin1' | 'utf8';

  constructor(templates: readonly RequestTemplate[], tokens: TokenPool, vars: VariableRanges, host: string, seed: number) {
    this.rng = mulberry32(seed ^ 0x5bd1e995);
    this.vars = new RequestVars(this.rng, vars);
    let cum = 0;
    this.compiled = templates.map((t) => {
      cum += t.weight;
      const headers = Object.entries(t.headers).filter(([k]) => !['host', 'content-length', 'authorization'].includes(k.toLowerCase()));
      const staticLines = headers.filter(([, v]) => isStatic(compileTemplate(v))).map(([k, v]) => `${k}: ${v}\r\n`).join('');
      const dynamicHeaders = compileTemplate(headers.filter(([, v]) => !isStatic(compileTemplate(v))).map(([k, v]) => `${k}: ${v}\r\n`).join(''));
      const bodyParts = typeof t.body === 'string' ? compileTemplate(t.body) : null;
      const bodyTemplate = bodyParts !== null && !isStatic(bodyParts) ? bodyParts : null;
      const body = bodyParts !== null ? (bodyTemplate ? null : Buffer.from(t.body!, 'utf8')) : t.bodyBytes > 0 ? Buffer.alloc(t.bodyBytes, 0x61) : null;
      const fixedLength = body !== null || (bodyTemplate === null && ['POST', 'PUT', 'PATCH'].includes(t.method.toUpperCase()));
      const lengthLine = fixedLength ? `content-length: ${body?.length ?? 0}\r\n` : '';
      const expectStatus = t.expectStatus ?? null;
      const parts = compileTemplate(t.path);
      const prefix = `${t.method.toUpperCase()} `;
      const suffix = ` HTTP/1.1\r\nhost: ${host}\r\n${staticLines}${lengthLine}`;
      const authLines = authHeaders(t.auth, tokens).map(([k, v]) => `${k}: ${v}\r\n`);
      // Flat strings built once: a head concatenated per request is a rope V8 flattens again on every write.
      const fixedHeads = isStatic(parts) && dynamicHeaders.length === 0 && bodyTemplate === null
        ? (authLines.length > 0 ? authLines : ['']).map((a) => flat(prefix + parts.map((x) => x.value).join('') + suffix + a + '\r\n'))
        : null;
      return {
        cumWeight: cum,
        parts,
        prefix,
        suffix,
        dynamicHeaders,
        body,
        bodyTemplate,
        authLines,
        fixedHeads,
        expect401: expectStatus === null && t.auth !== 'valid',
        expectStatus,
        noBody: t.method.toUpperCase() === 'HEAD',
      };
    });
    this.totalWeight = cum;
    const ascii = (x: string): boolean => /^[\x00-\x7f]*$/.test(x);
    const text = (c: Compiled): string => c.prefix + c.suffix + c.authLines.join('') + [...c.parts, ...c.dynamicHeaders].map((p) => p.value).join('');
    this.encoding = this.compiled.every((c) => ascii(text(c))) ? 'latin1' : 'utf8';
    this.rr = this.compiled.map(() => 0);
  }

  /** The next request of the mix. */
  next(): BuiltRequest {
    const ci = this.pick();
    const c = this.compiled[ci]!;
    const seq = this.seq++;
    if (c.fixedHeads !== null) {
      const i = this.rr[ci]!;
      this.rr[ci] = i + 1;
      return { head: c.fixedHeads[i % c.fixedHeads.length]!, body: c.body, expect401: c.expect401, expectStatus: c.expectStatus, noBody: c.noBody };
    }
    this.vars.reset(seq);
    const path = this.vars.render(c.parts);
    let auth = '';
    if (c.authLines.length > 0) {
      const i = this.rr[ci]!;
      auth = c.authLines[i % c.authLines.length]!;
      this.rr[ci] = i + 1;
    }
    let extra = c.dynamicHeaders.length > 0 ? this.vars.render(c.dynamicHeaders) : '';
    let body = c.body;
    if (c.bodyTemplate !== null) {
      body = Buffer.from(this.vars.render(c.bodyTemplate), 'utf8');
      extra += `content-length: ${body.length}\r\n`;
    }
    return { head: c.prefix + path + c.suffix + extra + auth + '\r\n', body, expect401: c.expect401, expectStatus: c.expectStatus, noBody: c.noBody };
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
