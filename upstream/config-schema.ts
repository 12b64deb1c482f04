import { duration, percent, size, type Json } from '../core/problems/units-schema.js';

/**
 * JSON Schema of the mock upstreams config file (`gw-bench upstream --config`, and what the
 * harness hands its upstreams entry). Shapes, keys, ranges and units live here; the rules
 * across fields (a latency model's parameters, ports used twice, a loopback host) are in
 * config.ts.
 */

const port = (description: string): Json => ({ type: 'integer', minimum: 0, maximum: 65535, description: `${description} (0 = ephemeral)` });

export const latencySchema: Json = {
  type: 'object',
  required: ['model'],
  additionalProperties: false,
  description: 'constant (ms), uniform (min..max) or lognormal (p50, p99)',
  properties: {
    model: { enum: ['constant', 'uniform', 'lognormal'] },
    ms: duration('Constant latency'),
    min: duration('Uniform lower bound'),
    max: duration('Uniform upper bound'),
    p50: duration('Lognormal median'),
    p99: duration('Lognormal 99th percentile'),
  },
};

const service: Json = {
  type: 'object',
  additionalProperties: false,
  properties: {
    instances: { type: 'integer', minimum: 1, maximum: 64, description: 'Instances, each on its own ephemeral port' },
    ports: { type: 'array', minItems: 1, items: port('Port of one instance') },
    latency: latencySchema,
    bodyBytes: size('Size of a 200 response body', 64 * 1024 * 1024),
    errorRate: percent('Fraction of requests answered with errorStatus'),
    errorStatus: { type: 'integer', minimum: 100, maximum: 599, description: 'HTTP status of failing responses' },
  },
};

export const upstreamConfigSchema: Json = {
  type: 'object',
  required: ['services'],
  additionalProperties: false,
  properties: {
    host: { type: 'string', description: 'Loopback IPv4 address every instance listens on' },
    seed: { type: 'integer' },
    admin: { type: 'object', additionalProperties: false, properties: { port: port('Admin port') } },
    services: {
      type: 'object',
      minProperties: 1,
      propertyNames: { pattern: '^[a-z][a-z0-9-]*$', description: 'a service name is lower-case letters, digits and dashes' },
      additionalProperties: service,
      description: 'Service name -> settings',
    },
  },
};
