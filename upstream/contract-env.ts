/**
 * The contract's upstream environment variables (docs/gateway-contract.md §1) for a set
 * of mock service URLs: `user-status` -> GW_UPSTREAM_USER_STATUS, and interact's first two
 * instances get the contract weights 80 and 20.
 */
export function upstreamEnv(services: Record<string, readonly string[]>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, urls] of Object.entries(services)) {
    const key = `GW_UPSTREAM_${name.toUpperCase().replace(/-/g, '_')}`;
    const weights = name === 'interact' && urls.length === 2 ? [80, 20] : urls.map(() => 1);
    env[key] = urls.map((u, i) => (weights[i] === 1 ? u : `${u}*${weights[i]}`)).join(',');
  }
  return env;
}
