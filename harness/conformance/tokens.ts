import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';

/**
 * A fresh RSA private key as PKCS#8 PEM. Keys are encoded inside the generation job and
 * re-imported: exporting (as jose does, to JWK) a KeyObject still owned by a collectable
 * keygen job can deadlock Node 20 (GC runs the job's destructor under the key's mutex).
 */
export function newRsaPrivateKeyPem(): string {
  return generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  }).privateKey;
}
import { SignJWT, type JWTPayload } from 'jose';
import type { GatewaySettings } from './settings.js';

/** A token a check sends, with a label used in failure messages. */
export interface LabelledToken {
  label: string;
  /** The full Authorization header value, or undefined for "no header". */
  authorization: string | undefined;
}

const b64url = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

/** Mints valid and deliberately invalid JWTs for the configured algorithm and key. */
export class TokenMinter {
  private readonly key: Uint8Array | KeyObject;
  /** A key of the same algorithm the gateway does not know (bad-signature tokens). */
  private readonly strangerKey: Uint8Array | KeyObject;
  /** RS256 only: the public key, PEM (also the HS256 "key confusion" secret). */
  readonly publicKeyPem?: string;

  constructor(readonly settings: GatewaySettings) {
    if (settings.jwtAlg === 'HS256') {
      this.key = new TextEncoder().encode(settings.jwtSecret);
      this.strangerKey = new TextEncoder().encode(`${settings.jwtSecret}-not-the-key`);
    } else {
      if (!settings.jwtPrivateKeyPem) throw new Error('RS256 needs the private key the gateway trusts (jwtPrivateKeyPem)');
      this.key = createPrivateKey(settings.jwtPrivateKeyPem);
      this.publicKeyPem = createPublicKey(this.key).export({ type: 'spki', format: 'pem' }).toString();
      this.strangerKey = createPrivateKey(newRsaPrivateKeyPem());
    }
  }

  /** Standard valid claims; `over` replaces or (with undefined) removes claims. */
  claims(over: Record<string, unknown> = {}): JWTPayload {
    const base: Record<string, unknown> = { sub: 'conformance-user-1', iss: this.settings.jwtIssuer, iat: now(), exp: now() + 3600, ...over };
    for (const k of Object.keys(base)) if (base[k] === undefined) delete base[k];
    return base as JWTPayload;
  }

  /** Sign claims with the gateway's algorithm and key (or another key / algorithm). */
  async sign(payload: JWTPayload, opts: { alg?: string; key?: Uint8Array | KeyObject } = {}): Promise<string> {
    return new SignJWT(payload)
      .setProtectedHeader({ alg: opts.alg ?? this.settings.jwtAlg, typ: 'JWT' })
      .sign(opts.key ?? this.key);
  }

  /** `Bearer <valid token>` for `sub`. */
  async bearer(sub = 'conformance-user-1', over: Record<string, unknown> = {}): Promise<string> {
    return `Bearer ${await this.sign(this.claims({ sub, ...over }))}`;
  }

  /** Tokens signed with an algorithm other than the configured one. */
  async wrongAlg(): Promise<LabelledToken[]> {
    const c = this.claims();
    if (this.settings.jwtAlg === 'HS256') {
      const rsa = createPrivateKey(newRsaPrivateKeyPem());
      return [
        { label: 'HS384 with the right secret', authorization: `Bearer ${await this.sign(c, { alg: 'HS384' })}` },
        { label: 'RS256 with an RSA key', authorization: `Bearer ${await this.sign(c, { alg: 'RS256', key: rsa })}` },
      ];
    }
    return [
      // Key confusion: HMAC keyed with the public key PEM the gateway holds.
      { label: 'HS256 keyed with the RS256 public key', authorization: `Bearer ${await this.sign(c, { alg: 'HS256', key: new TextEncoder().encode(this.publicKeyPem!) })}` },
      { label: 'RS384 with the right key', authorization: `Bearer ${await this.sign(c, { alg: 'RS384' })}` },
    ];
  }

  /** `alg: none` with an empty signature, in two spellings. */
  algNone(): LabelledToken[] {
    const c = this.claims();
    return [
      { label: 'alg none', authorization: `Bearer ${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(c)}.` },
      { label: 'alg None', authorization: `Bearer ${b64url({ alg: 'None', typ: 'JWT' })}.${b64url(c)}.` },
    ];
  }

  /** Right algorithm and claims, signed with a key the gateway does not trust. */
  async badSignature(): Promise<LabelledToken[]> {
    const good = await this.sign(this.claims());
    const [h, p] = good.split('.');
    const foreign = await this.sign(this.claims(), { key: this.strangerKey });
    return [
      { label: 'signed with another key', authorization: `Bearer ${foreign}` },
      { label: 'valid header+payload with another token\'s signature', authorization: `Bearer ${h}.${p}.${foreign.split('.')[2]}` },
    ];
  }

  /** Tokens with one claim rule broken each (contract §3). */
  async claimViolations(): Promise<Record<'expired' | 'nbf-future' | 'wrong-issuer' | 'no-sub' | 'no-exp', LabelledToken[]>> {
    const t = async (label: string, over: Record<string, unknown>): Promise<LabelledToken> => ({ label, authorization: `Bearer ${await this.sign(this.claims(over))}` });
    return {
      expired: [await t('exp 60 s ago', { exp: now() - 60, iat: now() - 120 }), await t('exp 3 s ago', { exp: now() - 3 })],
      'nbf-future': [await t('nbf in 60 s', { nbf: now() + 60 })],
      'wrong-issuer': [await t('iss "not-gw-bench"', { iss: 'not-gw-bench' }), await t('no iss claim', { iss: undefined })],
      'no-sub': [await t('no sub claim', { sub: undefined }), await t('empty sub', { sub: '' })],
      'no-exp': [await t('no exp claim', { exp: undefined })],
    };
  }

  /** Authorization headers that are not a Bearer JWT at all. */
  malformed(): LabelledToken[] {
    const c = b64url(this.claims());
    return [
      { label: 'one part', authorization: 'Bearer not-a-jwt' },
      { label: 'two parts', authorization: `Bearer ${b64url({ alg: this.settings.jwtAlg, typ: 'JWT' })}.${c}` },
      { label: 'three parts of garbage', authorization: 'Bearer a!b.c$d.e%f' },
      { label: 'header not JSON', authorization: `Bearer ${Buffer.from('{oops').toString('base64url')}.${c}.c2ln` },
      { label: 'empty bearer', authorization: 'Bearer ' },
    ];
  }

  missing(): LabelledToken[] {
    return [
      { label: 'no Authorization header', authorization: undefined },
      { label: 'Basic scheme', authorization: 'Basic Y29uZm9ybWFuY2U6cGFzcw==' },
    ];
  }
}
