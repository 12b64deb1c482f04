/**
 * What the suite must know about the gateway's configuration to judge it: the contract's
 * knobs (docs/gateway-contract.md §1). With --impl-command they are also passed to the
 * implementation as environment variables; otherwise they must match how it was started.
 */
export interface GatewaySettings {
  jwtAlg: 'HS256' | 'RS256';
  /** HS256 key (UTF-8 bytes of this string). */
  jwtSecret: string;
  /** RS256 private key (PKCS#8 PEM) the suite signs with; its public half is what the gateway verifies with. */
  jwtPrivateKeyPem?: string;
  jwtIssuer: string;
  fanoutDeadlineMs: number;
  upstreamTimeoutMs: number;
  breakerFailures: number;
  breakerCooldownMs: number;
  maxBodyBytes: number;
  maxHeaderBytes: number;
  idleTimeoutMs: number;
}

/** The contract defaults: what an implementation started with no environment uses. */
export const CONTRACT_DEFAULTS: Readonly<GatewaySettings> = Object.freeze({
  jwtAlg: 'HS256',
  jwtSecret: 'gw-bench-dev-secret-change-me-0123456789',
  jwtIssuer: 'gw-bench',
  fanoutDeadlineMs: 150,
  upstreamTimeoutMs: 1000,
  breakerFailures: 5,
  breakerCooldownMs: 2000,
  maxBodyBytes: 1_048_576,
  maxHeaderBytes: 16_384,
  idleTimeoutMs: 120_000,
});

/** Contract environment variables for these settings (upstream URLs and listen address are added by the caller). */
export function settingsEnv(s: GatewaySettings, publicKeyFile?: string): Record<string, string> {
  return {
    GW_JWT_ALG: s.jwtAlg,
    ...(s.jwtAlg === 'HS256' ? { GW_JWT_SECRET: s.jwtSecret } : {}),
    ...(publicKeyFile ? { GW_JWT_PUBLIC_KEY_FILE: publicKeyFile } : {}),
    GW_JWT_ISSUER: s.jwtIssuer,
    GW_FANOUT_DEADLINE_MS: String(s.fanoutDeadlineMs),
    GW_UPSTREAM_TIMEOUT_MS: String(s.upstreamTimeoutMs),
    GW_BREAKER_FAILURES: String(s.breakerFailures),
    GW_BREAKER_COOLDOWN_MS: String(s.breakerCooldownMs),
    GW_MAX_BODY_BYTES: String(s.maxBodyBytes),
    GW_MAX_HEADER_BYTES: String(s.maxHeaderBytes),
    GW_IDLE_TIMEOUT_MS: String(s.idleTimeoutMs),
  };
}
