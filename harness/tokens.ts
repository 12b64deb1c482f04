import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SignJWT, importPKCS8 } from 'jose';
import type { TokenPool } from '../loadgen/types.js';

export interface JwtSetup {
  alg: 'HS256' | 'RS256';
  issuer: string;
  /** Contract environment variables that tell a gateway how to verify. */
  env: Record<string, string>;
  tokens: TokenPool;
  /** Signing material, kept in memory only: HS256 secret or RS256 private key (PKCS#8 PEM). */
  secret?: string;
  privateKeyPem?: string;
}

/**
 * Generate a fresh key for the run (never committed) and the token pool the generator
 * replays: `count` valid tokens (distinct subjects, so the gateway's cache is exercised),
 * plus expired and forged ones that must be rejected without reaching an upstream.
 */
export async function makeJwtSetup(opts: { alg: 'HS256' | 'RS256'; count: number; ttlMs: number; dir: string; issuer?: string }): Promise<JwtSetup> {
  const issuer = opts.issuer ?? 'gw-bench';
  const env: Record<string, string> = { GW_JWT_ALG: opts.alg, GW_JWT_ISSUER: issuer };
  let key: Uint8Array | CryptoKey;
  let secret: string | undefined;
  let privateKeyPem: string | undefined;
  let wrongKey: Uint8Array | CryptoKey;
  if (opts.alg === 'HS256') {
    secret = randomBytes(32).toString('hex');
    env.GW_JWT_SECRET = secret;
    key = new TextEncoder().encode(secret);
    wrongKey = new TextEncoder().encode(`${secret}-forged`);
  } else {
    const make = () => generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
    const pair = make();
    const file = join(opts.dir, 'jwt-public.pem');
    await writeFile(file, pair.publicKey);
    env.GW_JWT_PUBLIC_KEY_FILE = file;
    privateKeyPem = pair.privateKey;
    key = await importPKCS8(pair.privateKey, 'RS256');
    wrongKey = await importPKCS8(make().privateKey, 'RS256');
  }
  const now = Math.floor(Date.now() / 1000);
  const sign = (sub: string, exp: number, k: Uint8Array | CryptoKey) =>
    new SignJWT({}).setProtectedHeader({ alg: opts.alg, typ: 'JWT' }).setSubject(sub).setIssuer(issuer).setIssuedAt(now).setExpirationTime(exp).sign(k);
  const validExp = now + Math.ceil(opts.ttlMs / 1000);
  const valid = await Promise.all(Array.from({ length: opts.count }, (_, i) => sign(`u${i + 1}`, validExp, key)));
  const few = Math.max(1, Math.min(200, Math.ceil(opts.count / 10)));
  const expired = await Promise.all(Array.from({ length: few }, (_, i) => sign(`x${i + 1}`, now - 60, key)));
  const badSignature = await Promise.all(Array.from({ length: few }, (_, i) => sign(`f${i + 1}`, validExp, wrongKey)));
  return { alg: opts.alg, issuer, env, tokens: { valid, expired, badSignature }, secret, privateKeyPem };
}
