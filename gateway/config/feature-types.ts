/** Config of the optional gateway features (all off by default; see gateway/README.md). */

/** jwt.negativeBloom: rotating Bloom filter in front of the negative LRU. */
export interface NegativeBloomConfig {
  /** Keys per generation (two generations are kept). */
  readonly capacity: number;
  /** Target false-positive rate of one generation (0..1). */
  readonly falsePositiveRate: number;
}

/** routes[].shadow: mirror a share of the route's requests to another upstream. */
export interface ShadowRouteConfig {
  readonly upstream: string;
  /** Share of requests mirrored, 0..1. */
  readonly share: number;
}

/** Top-level `shadow:` limits, per process. */
export interface ShadowConfig {
  readonly maxInFlight: number;
  readonly timeoutMs: number;
  /** Requests with a larger body are not mirrored (counted as dropped). */
  readonly maxBodyBytes: number;
}

/** One source address range of `regions.cidrs`. */
export interface CidrRange {
  readonly region: string;
  readonly family: 4 | 6;
  /** Network address as a bigint (IPv4 fits in 32 bits, IPv6 in 128). */
  readonly network: bigint;
  readonly prefix: number;
}

/** Top-level `regions:` (per-region breakers): where a request's region comes from. */
export interface RegionConfig {
  /** Request header naming the region (lower-case), or null. */
  readonly header: string | null;
  /** Client source ranges, longest prefix first. */
  readonly cidrs: readonly CidrRange[];
  /** Region of a request neither source names. */
  readonly fallback: string;
  /** Most distinct regions tracked per upstream; later names share the fallback's breaker. */
  readonly maxRegions: number;
}

/** Top-level `etcd:`: watch a key prefix as a config layer over the file. */
export interface EtcdSourceConfig {
  /** Base URLs of etcd's v3 HTTP/JSON gateway (client URLs), tried in order. */
  readonly endpoints: readonly string[];
  readonly prefix: string;
  /** Longest wait between reconnect attempts. */
  readonly maxBackoffMs: number;
}
