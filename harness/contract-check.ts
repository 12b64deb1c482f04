import { TargetError } from '../core/errors.js';
import { runConformance } from './conformance/index.js';
import type { RunningUpstreams } from './processes/upstreams.js';
import type { JwtSetup } from './tokens.js';

/**
 * The quick contract check before measuring: health, a valid token, the feed fan-out and
 * the proxied routes (the conformance suite's quick subset). A target that fails it would
 * only produce numbers for the wrong work, so the run stops here with exit 4.
 * External targets whose upstreams gw-bench does not own get health only.
 */
export async function contractCheck(opts: { url: string; jwt: JwtSetup; upstreams: RunningUpstreams | null }): Promise<void> {
  if (!opts.upstreams) return;
  const report = await runConformance({
    url: opts.url,
    upstreamAdmin: opts.upstreams.admin.adminUrl,
    quick: true,
    settings: {
      jwtAlg: opts.jwt.alg,
      jwtIssuer: opts.jwt.issuer,
      ...(opts.jwt.secret ? { jwtSecret: opts.jwt.secret } : {}),
      ...(opts.jwt.privateKeyPem ? { jwtPrivateKeyPem: opts.jwt.privateKeyPem } : {}),
    },
  });
  if (!report.ok) {
    const failed = report.checks.filter((c) => !c.ok);
    throw new TargetError('GW_ERR_CONFORMANCE', `target failed ${failed.length} contract check(s) before measuring; run \`gw-bench conformance\` for the full suite`, failed.map((c) => `FAIL ${c.name}: ${c.reason ?? ''}`));
  }
}
