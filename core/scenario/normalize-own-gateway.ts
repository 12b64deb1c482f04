import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { isLoopbackHost } from '../loopback.js';
import type { Problem } from './problems.js';
import type { AuthKind, TargetCommandSpec } from './types.js';

/**
 * Cross-field rules and defaults for the own-gateway fields (schema-own-gateway.ts):
 * `target.command` and friends, `target.contract`, auth from a file or header, request
 * body templates and expected statuses. Problems are collected, never thrown.
 */

type Raw = Record<string, any>;

export const TEMPLATE_VARIABLES = ['uid', 'room_id', 'seq', 'rand'] as const;
const COMMAND_ONLY = ['cwd', 'env', 'build', 'readyUrl', 'readyPattern', 'readyTimeout'] as const;
export const DEFAULT_READY_TIMEOUT_MS = 60_000;

const baseDir = (file: string): string => (file ? dirname(file) : process.cwd());
const abs = (file: string, p: string): string => (isAbsolute(p) ? p : resolve(baseDir(file), p));

/** impl, contract and command of the target; `impl` is what normalize.ts derived from impl/url. */
export function normalizeOwnTarget(t: Raw, impl: string, file: string, problems: Problem[], dur: (v: unknown, path: string) => number): { impl: string; contract: 'gw-bench' | 'none'; command: TargetCommandSpec | null } {
  const hasCommand = typeof t.command === 'string';
  if (hasCommand && t.impl === undefined && t.url === undefined) impl = 'command';
  if (hasCommand && impl !== 'command') problems.push({ path: 'target.command', message: `only applies to target.impl "command" (impl is ${JSON.stringify(impl)})` });
  if (!hasCommand && impl === 'command') problems.push({ path: 'target.command', message: 'is required when target.impl is "command"' });
  if (!hasCommand) for (const k of COMMAND_ONLY) if (t[k] !== undefined) problems.push({ path: `target.${k}`, message: `${JSON.stringify(t[k])} only applies with target.command` });

  const plainByDefault = impl === 'external' || impl === 'command';
  const contract: 'gw-bench' | 'none' = t.contract ?? (plainByDefault ? 'none' : 'gw-bench');
  if (contract === 'none' && !plainByDefault) problems.push({ path: 'target.contract', message: `"none" applies to target.command or an external url; ${JSON.stringify(impl)} implements the gw-bench contract` });

  if (!hasCommand || impl !== 'command') return { impl, contract, command: null };
  if (t.readyUrl !== undefined && t.readyPattern !== undefined) problems.push({ path: 'target.readyPattern', message: 'give target.readyUrl or target.readyPattern, not both' });
  if (typeof t.readyPattern === 'string') {
    try { new RegExp(t.readyPattern); } catch (e) { problems.push({ path: 'target.readyPattern', message: `${JSON.stringify(t.readyPattern)} is not a regular expression (${(e as Error).message})` }); }
  }
  if (typeof t.readyUrl === 'string' && !t.readyUrl.startsWith('/')) {
    let ok = false;
    try { const u = new URL(t.readyUrl); ok = u.protocol === 'http:' && isLoopbackHost(u.hostname); } catch { /* reported below */ }
    if (!ok) problems.push({ path: 'target.readyUrl', message: `${JSON.stringify(t.readyUrl)} is neither a path like /healthz nor an http:// loopback URL` });
  }
  const cwd = abs(file, t.cwd ?? '.');
  if (t.cwd !== undefined && !(existsSync(cwd) && statSync(cwd).isDirectory())) problems.push({ path: 'target.cwd', message: `${JSON.stringify(t.cwd)} is not a directory (resolved to ${cwd})` });
  return {
    impl, contract,
    command: {
      command: t.command, cwd, env: { ...(t.env ?? {}) }, build: t.build ?? null,
      readyUrl: t.readyUrl ?? null, readyPattern: t.readyPattern ?? null,
      readyTimeoutMs: t.readyTimeout === undefined ? DEFAULT_READY_TIMEOUT_MS : dur(t.readyTimeout, 'target.readyTimeout'),
    },
  };
}

/** auth.tokenFile (checked readable and non-empty here, at the edge) and auth.header. */
export function normalizeOwnAuth(a: Raw, file: string, problems: Problem[]): { tokenFile: string | null; header: { name: string; value: string } | null } {
  if (a.tokenFile !== undefined && a.header !== undefined) problems.push({ path: 'auth.header', message: 'give auth.tokenFile or auth.header, not both' });
  let tokenFile: string | null = null;
  if (typeof a.tokenFile === 'string') {
    tokenFile = abs(file, a.tokenFile);
    let tokens: string[] = [];
    try { tokens = readTokenFile(tokenFile); } catch (e) { problems.push({ path: 'auth.tokenFile', message: `${JSON.stringify(a.tokenFile)} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` }); tokens = ['-']; }
    if (tokens.length === 0) problems.push({ path: 'auth.tokenFile', message: `${JSON.stringify(a.tokenFile)} has no tokens (one per line expected)` });
  }
  let header: { name: string; value: string } | null = null;
  if (typeof a.header === 'string') {
    const i = a.header.indexOf(':');
    header = { name: a.header.slice(0, i).trim(), value: a.header.slice(i + 1).trim() };
    if (['host', 'content-length', 'transfer-encoding', 'connection'].includes(header.name.toLowerCase())) problems.push({ path: 'auth.header', message: `${JSON.stringify(a.header)}: gw-bench sets ${header.name} itself` });
  }
  return { tokenFile, header };
}

/** Tokens of a token file: one per line, blank lines and # comments skipped. */
export function readTokenFile(path: string): string[] {
  return readFileSync(path, 'utf8').split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
}

/** Every `${name}` in a template that is not a known variable, as a problem at `path`. */
export function unknownVariables(template: string, path: string): Problem[] {
  const out: Problem[] = [];
  for (const m of template.matchAll(/\$\{([^}]*)\}/g)) {
    if (!(TEMPLATE_VARIABLES as readonly string[]).includes(m[1]!)) out.push({ path, message: `unknown variable \${${m[1]}}; available: ${TEMPLATE_VARIABLES.map((v) => `\${${v}}`).join(', ')}` });
  }
  return out;
}

/** Default auth kind of a request: plain targets send no token unless the scenario gives one. */
export function defaultRequestAuth(contract: 'gw-bench' | 'none', auth: { tokenFile: string | null; header: unknown }): AuthKind {
  return contract === 'none' && !auth.tokenFile && !auth.header ? 'none' : 'valid';
}

/** body, expectStatus and template checks for requests[i]. */
export function normalizeOwnRequest(r: Raw, i: number, method: string, auth: AuthKind, contract: 'gw-bench' | 'none', problems: Problem[]): { body: string | null; expectStatus: Array<number | string> | null } {
  const p = `requests[${i}]`;
  if (r.body !== undefined && r.bodySize !== undefined) problems.push({ path: `${p}.body`, message: 'give body or bodySize, not both' });
  if (typeof r.body === 'string') {
    if (method === 'GET' || method === 'HEAD') problems.push({ path: `${p}.body`, message: `a ${method} request cannot carry a body` });
    problems.push(...unknownVariables(r.body, `${p}.body`));
  }
  for (const [k, v] of Object.entries((r.headers ?? {}) as Record<string, unknown>)) if (typeof v === 'string') problems.push(...unknownVariables(v, `${p}.headers.${k}`));
  // Without a contract there is no "bad token must get 401" rule: a request without a token succeeds on 2xx.
  const expectStatus: Array<number | string> | null = r.expect?.status ?? (contract === 'none' && auth === 'none' ? ['2xx'] : null);
  return { body: typeof r.body === 'string' ? r.body : null, expectStatus };
}
