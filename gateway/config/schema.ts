import { count, duration, percent, size, type Json } from '../../core/problems/units-schema.js';

/**
 * JSON Schema of the gateway's raw config: the YAML file's shape, which the GW_* environment
 * (contract §1) and CLI flags are merged into. Keys, types, ranges, enums and units live
 * here; validation first reads numeric strings as numbers where a number is expected
 * (environment values are strings).
 * The rules across fields (instance lists, route paths and references, the JWT key file,
 * timeouts that depend on each other) are in rules.ts.
 */

/** An object of exactly these keys; all required unless `extra` says otherwise (the defaults always give them). */
const obj = (properties: Record<string, Json>, extra: Json = {}): Json => ({ type: 'object', additionalProperties: false, properties, required: Object.keys(properties), ...extra });
const int = (minimum: number, maximum: number, description?: string): Json => ({ type: 'integer', minimum, maximum, ...(description ? { description } : {}) });
const nullable = (schema: Json): Json => ({ anyOf: [{ type: 'null' }, schema] });

/** `URL[*WEIGHT],...` (contract §1) or a list of URLs / {url, weight}; parsed by rules.ts. */
const instances: Json = {
  description: 'Instances: "http://127.0.0.1:19004*80,http://127.0.0.1:19005*20" or a list of URLs / {url, weight}',
  anyOf: [
    { type: 'string' },
    { type: 'array', items: { anyOf: [{ type: 'string' }, obj({ url: { type: 'string' }, weight: { type: ['integer', 'string'] } }, { required: ['url'] })] } },
  ],
};

const upstream: Json = {
  anyOf: [
    { type: 'string' },
    { type: 'array' },
    obj({ instances, connections: int(1, 4096, 'Pooled connections per instance'), keepAliveTimeout: duration('Idle pooled connection lifetime', 1) }, { required: ['instances'] }),
  ],
};

export const gatewayConfigSchema: Json = obj({
  listen: obj({ host: { type: 'string', minLength: 1 }, port: int(0, 65535), backlog: int(1, 1_000_000) }),
  workers: { 'x-unit': 'workers', description: 'Processes: a number 1..256 or "auto"', anyOf: [int(1, 256), { const: 'auto' }] },
  cluster: obj({
    scheduling: { enum: ['none', 'rr'], description: 'none: the kernel spreads accepts; rr: the primary round-robins them' },
    balance: { type: ['number', 'null'], minimum: 1.05, maximum: 10, description: 'With scheduling none: a worker holding more than this x the mean connections (+32) stops accepting until it is back at the mean; null (env: off) = off' },
  }),
  upstreams: { type: 'object', propertyNames: { pattern: '^[a-z0-9][a-z0-9_-]*$', description: 'a service name is lower-case letters, digits, - and _' }, additionalProperties: upstream },
  pool: obj({
    connections: int(1, 4096),
    keepAliveTimeout: duration('Idle pooled connection lifetime', 1),
    client: { enum: ['lean', 'undici'], description: 'Upstream HTTP client for requests without a body: lean (own HTTP/1.1 client) or undici (dispatch); bodies always go through undici' },
  }),
  jwt: obj({
    alg: { enum: ['HS256', 'RS256'] },
    secret: { type: 'string' },
    publicKeyFile: nullable({ type: 'string', minLength: 1 }),
    issuer: { type: 'string', minLength: 1 },
    cacheSize: count('Verified tokens cached', 1, 10_000_000),
    negativeCacheSize: count('Rejected tokens cached', 1, 10_000_000),
    negativeTtl: duration('How long a rejected token stays rejected', 1),
  }),
  deadlines: obj({ fanout: duration('Fan-out deadline', 1), upstream: duration('Upstream timeout', 1) }),
  breaker: obj({
    failures: count('Consecutive failures that open the breaker', 1, 1e9),
    cooldown: duration('Open time before a trial request', 1),
    errorRate: nullable(obj({
      threshold: percent('Error rate that opens the breaker'),
      window: duration('Window the error rate is measured over', 100),
      minRequests: count('Requests in the window before the rate counts', 1, 1e9),
    }, { required: ['threshold'] })),
  }),
  limits: obj({ maxBodyBytes: size('Largest request body'), maxHeaderBytes: size('Largest request head (at least 1024 bytes)') }),
  server: obj({
    keepAliveTimeout: duration('Idle client connection lifetime', 1),
    headersTimeout: nullable(duration('Time to receive a request head', 1)),
    requestTimeout: duration('Time to receive a whole request (0 = none)'),
    shutdownTimeout: duration('Drain time on SIGTERM'),
  }),
  routes: {
    type: 'array',
    minItems: 1,
    items: obj({
      method: nullable({ type: 'string', pattern: '^([A-Za-z]+|\\*)$', description: 'an HTTP method name or *' }),
      path: { type: 'string', minLength: 1 },
      type: { enum: ['proxy', 'feed', 'health', 'metrics'] },
      upstream: { type: 'string', minLength: 1 },
      auth: { type: 'boolean' },
    }, { required: ['path', 'type'] }),
  },
  debug: obj({ delay: duration('Artificial delay before each proxied request'), cpu: duration('CPU to burn before each proxied request (e.g. 300us); applied at startup only') }),
});
