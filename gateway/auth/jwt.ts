import { createHmac, createPublicKey, createSecretKey, timingSafeEqual, verify as verifySignature, type KeyObject } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { JwtConfig } from '../config/types.js';
import type { JwtCacheKind } from '../observability/metrics.js';
import { RotatingBloom } from './bloom.js';

/** Why a token was refused (kept for logs and tests; the client always sees the same 401). */
export type JwtRejection =
  | 'missing' | 'malformed' | 'alg' | 'signature' | 'expired' | 'not_yet_valid' | 'issuer' | 'subject';

export type JwtOutcome = { readonly ok: true; readonly sub: string } | { readonly ok: false; readonly reason: JwtRejection };

interface Verified { readonly sub: string; readonly expMs: number }

const B64URL = /^[A-Za-z0-9_-]+$/;
const LEEWAY_S = 1; // contract §3: no clock leeway beyond 1 second

/**
 * JWT check for `/api/*` (contract §3) with two bounded LRU caches: verified tokens,
 * honoured until their `exp`, and tokens found invalid, remembered for a TTL so a
 * replayed bad token costs one Map lookup instead of a signature check.
 *
 * HS256 uses node:crypto directly: a synchronous OpenSSL HMAC plus timingSafeEqual has no
 * promise hop and no per-call key import (jose's verify is async over WebCrypto), and the
 * constant-time compare keeps signature checks from leaking how many bytes matched.
 */
export class JwtVerifier {
  private readonly positive: LRUCache<string, Verified>;
  private readonly negative: LRUCache<string, JwtRejection>;
  private readonly hmacKey: KeyObject | null;
  private readonly publicKey: KeyObject | null;
  /** Optional admission filter in front of `negative` (jwt.negativeBloom); null = off, no per-call cost. */
  readonly bloom: RotatingBloom | null;

  constructor(
    private readonly cfg: JwtConfig,
    private readonly onCache: (cache: JwtCacheKind, hit: boolean) => void = () => {},
    private readonly now: () => number = Date.now,
  ) {
    this.positive = new LRUCache({ max: cfg.cacheSize });
    this.negative = new LRUCache({ max: cfg.negativeCacheSize, ttl: cfg.negativeTtlMs, ttlAutopurge: false });
    this.hmacKey = cfg.alg === 'HS256' ? createSecretKey(Buffer.from(cfg.secret, 'utf8')) : null;
    this.publicKey = cfg.alg === 'RS256' && cfg.publicKeyPem ? createPublicKey(cfg.publicKeyPem) : null;
    this.bloom = cfg.negativeBloom ? new RotatingBloom(cfg.negativeBloom.capacity, cfg.negativeBloom.falsePositiveRate) : null;
  }

  /** Check an `Authorization` header value. */
  check(authorization: string | undefined): JwtOutcome {
    if (!authorization || authorization.length < 8 || authorization.slice(0, 7).toLowerCase() !== 'bearer ') return { ok: false, reason: 'missing' };
    const token = authorization.slice(7).trim();
    if (token === '') return { ok: false, reason: 'missing' };

    const cached = this.positive.get(token);
    if (cached !== undefined) {
      if (cached.expMs + LEEWAY_S * 1000 > this.now()) { this.onCache('positive', true); return { ok: true, sub: cached.sub }; }
      this.positive.delete(token);
    }
    this.onCache('positive', false);
    if (this.bloom !== null) return this.checkBehindBloom(this.bloom, token);
    const known = this.negative.get(token);
    if (known !== undefined) { this.onCache('negative', true); return { ok: false, reason: known }; }
    this.onCache('negative', false);

    const outcome = this.verify(token);
    if (outcome.ok) this.positive.set(token, { sub: outcome.sub, expMs: outcome.expMs });
    else this.remember(token, outcome);
    return outcome.ok ? { ok: true, sub: outcome.sub } : { ok: false, reason: outcome.reason };
  }

  /**
   * With the Bloom filter: a token it has never seen skips the negative LRU and is
   * verified; a first refusal only sets its bits (nothing stored per token), so a flood
   * of one-off forged tokens cannot evict the repeat offenders from the LRU. A token the
   * filter has seen is looked up in the LRU (exact, so a false positive never rejects:
   * it falls through to full verification) and, when refused again, stored there.
   */
  private checkBehindBloom(bloom: RotatingBloom, token: string): JwtOutcome {
    const seen = bloom.has(token);
    if (seen) {
      const known = this.negative.get(token);
      if (known !== undefined) { this.onCache('negative', true); return { ok: false, reason: known }; }
    }
    this.onCache('negative', false);
    const outcome = this.verify(token);
    if (outcome.ok) { this.positive.set(token, { sub: outcome.sub, expMs: outcome.expMs }); return { ok: true, sub: outcome.sub }; }
    // `nbf` refusals expire; the filter cannot forget one key, so they bypass it.
    if (outcome.retryAtMs !== undefined || seen) this.remember(token, outcome);
    else bloom.add(token);
    if (seen) bloom.add(token); // keep a repeat offender in the current generation
    return { ok: false, reason: outcome.reason };
  }

  private remember(token: string, outcome: { reason: JwtRejection; retryAtMs?: number }): void {
    // A token refused only for its `nbf` becomes valid later: forget the refusal by then.
    if (outcome.retryAtMs !== undefined) this.negative.set(token, outcome.reason, { ttl: Math.max(1, Math.min(this.cfg.negativeTtlMs, outcome.retryAtMs - this.now())) });
    else this.negative.set(token, outcome.reason);
  }

  private verify(token: string): { ok: true; sub: string; expMs: number } | { ok: false; reason: JwtRejection; retryAtMs?: number } {
    const d1 = token.indexOf('.');
    const d2 = d1 < 0 ? -1 : token.indexOf('.', d1 + 1);
    if (d1 <= 0 || d2 < 0 || token.indexOf('.', d2 + 1) >= 0) return { ok: false, reason: 'malformed' };
    const h = token.slice(0, d1);
    const p = token.slice(d1 + 1, d2);
    const s = token.slice(d2 + 1);
    if (!B64URL.test(h) || !B64URL.test(p)) return { ok: false, reason: 'malformed' };
    const header = parseJson(h);
    if (!header) return { ok: false, reason: 'malformed' };
    // Exact match: rejects "none", the other algorithm, and case games like "hs256".
    if (header.alg !== this.cfg.alg) return { ok: false, reason: 'alg' };
    if (s === '' || !B64URL.test(s)) return { ok: false, reason: 'signature' };
    if (!this.signatureOk(token.slice(0, d2), s)) return { ok: false, reason: 'signature' };

    const claims = parseJson(p);
    if (!claims) return { ok: false, reason: 'malformed' };
    const nowS = this.now() / 1000;
    if (typeof claims.exp !== 'number' || !Number.isFinite(claims.exp) || claims.exp + LEEWAY_S <= nowS) return { ok: false, reason: 'expired' };
    if (claims.nbf !== undefined && typeof claims.nbf !== 'number') return { ok: false, reason: 'malformed' };
    if (typeof claims.nbf === 'number' && claims.nbf > nowS + LEEWAY_S) return { ok: false, reason: 'not_yet_valid', retryAtMs: (claims.nbf - LEEWAY_S) * 1000 };
    if (claims.iss !== this.cfg.issuer) return { ok: false, reason: 'issuer' };
    if (typeof claims.sub !== 'string' || claims.sub === '') return { ok: false, reason: 'subject' };
    return { ok: true, sub: claims.sub, expMs: claims.exp * 1000 };
  }

  private signatureOk(signingInput: string, sigB64: string): boolean {
    const sig = Buffer.from(sigB64, 'base64url');
    if (this.hmacKey) {
      const expected = createHmac('sha256', this.hmacKey).update(signingInput).digest();
      return sig.length === expected.length && timingSafeEqual(sig, expected);
    }
    if (this.publicKey) return verifySignature('sha256', Buffer.from(signingInput), this.publicKey, sig);
    return false;
  }
}

function parseJson(b64: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(Buffer.from(b64, 'base64url').toString('utf8'));
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
