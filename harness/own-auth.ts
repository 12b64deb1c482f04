import type { Scenario } from '../core/scenario/types.js';
import type { TokenPool } from '../loadgen/types.js';
import { readTokenFile } from '../core/scenario/normalize-own-gateway.js';

/**
 * The scenario's own credentials replace the generated valid JWTs: tokens from
 * `auth.tokenFile` (sent as bearer tokens, round-robin) or the fixed `auth.header`.
 * Expired and forged tokens stay generated: they only matter to contract gateways.
 */
export function withOwnAuth(pool: TokenPool, auth: Scenario['auth']): TokenPool {
  if (auth.tokenFile) return { ...pool, valid: readTokenFile(auth.tokenFile) };
  if (auth.header) return { ...pool, header: { ...auth.header } };
  return pool;
}
