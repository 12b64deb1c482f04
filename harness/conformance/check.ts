import type { UpstreamControl } from '../../upstream/admin-client.js';
import type { UpstreamStats } from '../../upstream/stats.js';
import { sumCounter } from '../../upstream/stats.js';
import type { HttpCallOptions, HttpClient, HttpResult } from './http-client.js';
import type { GatewaySettings } from './settings.js';
import type { TokenMinter } from './tokens.js';
import type { Capability } from './capabilities.js';
import type { ShadowRecorder } from './shadow-recorder.js';

/** Thrown by a check to fail with a one-line reason. */
export class CheckFailed extends Error {}

/** Fail the current check with `reason`. */
export function fail(reason: string): never {
  throw new CheckFailed(reason);
}

/** Everything a check may use. */
export interface CheckContext {
  readonly baseUrl: URL;
  readonly http: HttpClient;
  readonly upstream: UpstreamControl;
  readonly settings: GatewaySettings;
  readonly tokens: TokenMinter;
  /** Service name -> instance URLs, in the order the gateway was given them. */
  readonly services: Record<string, string[]>;
  /** A valid `Bearer ...` header value (sub = conformance-user-1). */
  readonly auth: string;
  /** The shadow upstream of the `shadow` optional checks (started only when declared, --impl-command). */
  readonly shadow: ShadowRecorder | null;
}

/** One contract rule. `quick` checks form the pre-measurement subset. */
export interface Check {
  name: string;
  /** The contract rule in a few words (shown by --list). */
  rule: string;
  quick?: boolean;
  /** Optional check: runs only when the implementation declares this capability. */
  capability?: Capability;
  run(ctx: CheckContext): Promise<void>;
}

/** A short, single-line rendering of a response for failure messages. */
export function describe(res: HttpResult): string {
  const body = res.text.replace(/\s+/g, ' ').slice(0, 160);
  return `${res.status}${body ? ` ${body}` : ' (empty body)'}`;
}

/** Require an exact status. */
export function expectStatus(res: HttpResult, status: number, what: string): void {
  if (res.status !== status) fail(`${what}: expected ${status}, got ${describe(res)}`);
}

/** Require a JSON object body. */
export function expectJsonObject(res: HttpResult, what: string): Record<string, unknown> {
  if (typeof res.json !== 'object' || res.json === null || Array.isArray(res.json)) fail(`${what}: body is not a JSON object: ${describe(res)}`);
  return res.json as Record<string, unknown>;
}

/** Require the contract's error body `{"error": kind, ...}`. */
export function expectErrorBody(res: HttpResult, kind: string, what: string): void {
  const j = expectJsonObject(res, what);
  if (j.error !== kind) fail(`${what}: expected body {"error":"${kind}"}, got ${describe(res)}`);
}

/** Require a content-type starting with application/json. */
export function expectJsonContentType(res: HttpResult, what: string): void {
  const ct = res.headers['content-type'];
  if (!ct || !ct.toLowerCase().startsWith('application/json')) fail(`${what}: content-type is ${JSON.stringify(ct ?? null)}, expected application/json`);
}

/** GET/POST through the gateway with the valid token unless `headers.authorization` is given (null = none). */
export function gw(ctx: CheckContext, path: string, opts: HttpCallOptions & { authorization?: string | null } = {}): Promise<HttpResult> {
  const { authorization, ...rest } = opts;
  const headers: Record<string, string | string[]> = { ...(rest.headers ?? {}) };
  const auth = authorization === undefined ? ctx.auth : authorization;
  if (auth !== null) headers.authorization = auth;
  return ctx.http.call(path, { ...rest, headers });
}

/** Requests received by one service (or all services) according to the mock upstream counters. */
export async function upstreamRequests(ctx: CheckContext, service?: string): Promise<number> {
  return sumCounter(await ctx.upstream.stats() as UpstreamStats, 'requests', service);
}

/** Per-instance request counters of one service. */
export async function instanceRequests(ctx: CheckContext, service: string): Promise<number[]> {
  const s = (await ctx.upstream.stats()).services[service];
  if (!s) fail(`mock upstream has no service ${JSON.stringify(service)}`);
  return s.instances.map((i) => i.requests);
}

/** The echoed request headers inside a mock upstream body (x-gwb-echo: 1). */
export function echoedHeaders(res: HttpResult, what: string): Record<string, string | string[] | undefined> {
  const j = expectJsonObject(res, what);
  if (typeof j.headers !== 'object' || j.headers === null) fail(`${what}: upstream body has no "headers" (was x-gwb-echo: 1 forwarded?): ${describe(res)}`);
  return j.headers as Record<string, string | string[] | undefined>;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
