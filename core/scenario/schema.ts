/**
 * JSON Schema of scenario format v1. The single source of truth: `scenarios/schema.json`
 * is generated from it (`npm run schema`; a test checks the file is current) so editors
 * validate scenarios through `# yaml-language-server: $schema=./schema.json`.
 *
 * Unit-typed fields carry `x-unit`, which the validator uses to say what was expected.
 */

import { count, duration, percent, rate, RATE_PATTERN, size, type Json } from '../problems/units-schema.js';
import { ownAuthProperties, ownRequestProperties, ownTargetProperties } from './schema-own-gateway.js';

export { count, duration, percent, rate, size };

const cpuList: Json = {
  'x-unit': 'cpulist',
  type: 'string',
  pattern: '^(auto|none|[0-9]+(-[0-9]+)?(,[0-9]+(-[0-9]+)?)*)$',
  description: 'CPU list for taskset (e.g. "1", "0-1", "0,2"), "auto" or "none"',
};

const workers = (description: string): Json => ({
  'x-unit': 'workers',
  description: `${description}: "auto" or a positive integer`,
  anyOf: [{ type: 'integer', minimum: 1 }, { const: 'auto' }],
});

const latencyModel: Json = {
  type: 'object',
  description: 'Latency model of a mock upstream service',
  required: ['model'],
  additionalProperties: false,
  properties: {
    model: { enum: ['constant', 'uniform', 'lognormal'], description: 'constant (value), uniform (min..max) or lognormal (p50, p99)' },
    value: duration('Constant latency'),
    min: duration('Uniform lower bound'),
    max: duration('Uniform upper bound'),
    p50: duration('Lognormal median'),
    p99: duration('Lognormal 99th percentile'),
  },
};

const upstream: Json = {
  type: 'object',
  required: ['name'],
  additionalProperties: false,
  properties: {
    name: { enum: ['user-status', 'barrage', 'user', 'interact'], description: 'Contract service name (docs/gateway-contract.md)' },
    instances: { type: 'integer', minimum: 1, maximum: 16, description: 'Instances, each on its own port' },
    weights: { type: 'array', items: { type: 'integer', minimum: 0 }, description: 'Load-balancing weight per instance (the gateway applies them)' },
    latency: latencyModel,
    bodySize: size('Response body size'),
    errorRate: percent('Fraction of responses that fail'),
    errorStatus: { type: 'integer', minimum: 400, maximum: 599, description: 'Status of failing responses' },
  },
};

const request: Json = {
  type: 'object',
  required: ['path'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1 },
    weight: { type: 'number', exclusiveMinimum: 0, description: 'Relative share of the mix' },
    method: { enum: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'] },
    path: { type: 'string', pattern: '^/', description: 'Path template; variables ${uid}, ${room_id}, ${seq}, ${rand}' },
    headers: { type: 'object', additionalProperties: { type: 'string' }, description: 'Header templates; the path variables work here too' },
    bodySize: size('Request body size'),
    auth: { enum: ['valid', 'expired', 'bad-signature', 'none'], description: 'Which token the request carries' },
    // Own-gateway fields (issue 17): body template and expected statuses.
    ...ownRequestProperties,
  },
};

const stage: Json = {
  type: 'object',
  required: ['connections', 'rate'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1 },
    connections: count('Connections held open during the stage', 1),
    rate: {
      'x-unit': 'rate-or-capacity',
      description: 'Offered rate (e.g. 2000/s) or "capacity" to search for the highest rate within the SLO',
      anyOf: [{ type: 'number', exclusiveMinimum: 0 }, { const: 'capacity' }, { type: 'string', pattern: RATE_PATTERN }],
    },
    warmup: duration('Warm-up before measuring (discarded)'),
    duration: duration('Measurement window'),
  },
};

/**
 * Load sent to the target once, before the first stage, and counted nowhere: a JIT, token
 * caches and upstream pools get warm alike for every implementation.
 */
const targetWarmup: Json = {
  type: 'object',
  required: ['duration', 'rate'],
  additionalProperties: false,
  description: 'Warm-up of the target before the first stage, counted in no stage, histogram or verdict (result.json: warmup)',
  properties: {
    duration: duration('How long the warm-up load runs'),
    rate: rate('Offered rate of the warm-up load'),
  },
};

const threshold: Json = {
  description: 'k6-like threshold, e.g. "p99 < 50ms", "errors < 0.1%", "reuse.client > 0.95", "rss_per_connection < 16KB"',
  anyOf: [
    { type: 'string', minLength: 3 },
    {
      type: 'object',
      required: ['expr'],
      additionalProperties: false,
      properties: { expr: { type: 'string', minLength: 3 }, stage: { anyOf: [{ type: 'string' }, { type: 'integer', minimum: 0 }] } },
    },
  ],
};

export const scenarioSchema: Json = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://gw-bench.dev/schemas/scenario-v1.json',
  title: 'gw-bench scenario (format v1)',
  type: 'object',
  required: ['version', 'name', 'requests', 'load'],
  additionalProperties: false,
  properties: {
    version: { const: 1, description: 'Scenario format version' },
    name: { type: 'string', pattern: '^[a-zA-Z0-9][a-zA-Z0-9._-]*$', description: 'Used in output folder names' },
    description: { type: 'string' },
    target: {
      type: 'object',
      additionalProperties: false,
      description: 'What is measured: the reference gateway (default), a baseline, your gateway (command), or an external URL',
      properties: {
        impl: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]*$', description: '"reference", a folder name under baselines/, or "external"' },
        url: { type: 'string', description: 'Base URL of an external target (loopback only)' },
        pid: { type: 'integer', minimum: 1, description: 'External target pid, for RSS sampling' },
        metricsUrl: { type: 'string', description: 'Prometheus endpoint of the target (cross-check and heap)' },
        workers: workers('Gateway processes; auto = per stage, the fewest that hold its connections under the open-files limit (restarted between stages when the count changes)'),
        warmup: targetWarmup,
        // Own-gateway fields (issue 17): command, cwd, env, build, readiness, contract.
        ...ownTargetProperties,
      },
    },
    upstreams: { type: 'array', items: upstream, description: 'Mock upstream services; missing services get contract defaults' },
    auth: {
      type: 'object',
      additionalProperties: false,
      properties: {
        alg: { enum: ['HS256', 'RS256'] },
        tokens: count('Distinct valid tokens replayed (the gateway caches verified tokens)', 1),
        ttl: duration('Lifetime of valid tokens'),
        // Own-gateway fields (issue 17): tokens from a file or a fixed header.
        ...ownAuthProperties,
      },
    },
    variables: {
      type: 'object',
      additionalProperties: false,
      properties: {
        uid: { type: 'array', items: { type: 'integer', minimum: 0 }, minItems: 2, maxItems: 2, description: '[min, max] inclusive' },
        room_id: { type: 'array', items: { type: 'integer', minimum: 0 }, minItems: 2, maxItems: 2, description: '[min, max] inclusive' },
      },
    },
    requests: { type: 'array', items: request, minItems: 1, description: 'Weighted request mix' },
    load: {
      type: 'object',
      required: ['stages'],
      additionalProperties: false,
      properties: {
        model: { const: 'open', description: 'Open model: arrivals do not wait for responses' },
        arrival: { enum: ['constant', 'poisson'] },
        seed: { type: 'integer', minimum: 0, maximum: 4294967295 },
        engine: { enum: ['gw-bench', 'autocannon'], description: 'autocannon = closed-model comparison run' },
        connectionSelection: { enum: ['round-robin', 'random', 'lifo'], description: 'Which idle connection a request goes out on: round-robin (every held connection gets its share, as wrk2), random, or lifo (fewest connections warm)' },
        connectRate: rate('Connections opened per second during ramps'),
        workers: workers('Load-generator worker processes'),
        warmup: duration('Default warm-up per stage'),
        duration: duration('Default measurement window per stage'),
        requestTimeout: duration('Requests not complete this long after their intended send time are timeouts'),
        maxQueue: count('Per worker: requests waiting for a free connection beyond this are backlog errors', 1),
        stages: { type: 'array', items: stage, minItems: 1 },
        capacity: {
          type: 'object',
          additionalProperties: false,
          description: 'Capacity search for stages with rate: capacity',
          properties: {
            min: rate('Lowest rate probed'),
            max: rate('Highest rate probed'),
            probes: { type: 'integer', minimum: 2, maximum: 20 },
            probeDuration: duration('Length of each probe'),
            halfProbe: { type: 'boolean', description: 'After the search, one more probe at half the capacity found: the latency (p99.9, max) with 2x headroom' },
          },
        },
      },
    },
    slo: {
      type: 'object',
      additionalProperties: false,
      properties: {
        p99: duration('p99 latency objective (intended-time latency)'),
        errorRate: percent('Highest acceptable error rate'),
      },
    },
    generator: {
      type: 'object',
      additionalProperties: false,
      description: 'Limits past which a stage is invalid because the generator fell behind',
      properties: {
        maxSendLagP99: duration('Floor of the allowed generator lag bound: a stage is valid when send lag max + event-loop delay max <= max(this, 5% of its p99) (docs/metrics.md)'),
        maxEventLoopP99: duration('Worker event-loop delay p99 limit'),
        maxCpu: percent('Worker CPU limit, fraction of one core'),
      },
    },
    gate: {
      type: 'object',
      additionalProperties: false,
      properties: {
        thresholds: { type: 'array', items: threshold },
        relative: {
          type: 'object',
          additionalProperties: false,
          properties: {
            pairs: { type: 'integer', minimum: 2, maximum: 50 },
            confirmPairs: { type: 'integer', minimum: 0, maximum: 50 },
            seed: { type: 'integer', minimum: 0, maximum: 4294967295 },
            metrics: {
              type: 'object',
              additionalProperties: {
                type: 'object',
                additionalProperties: false,
                properties: { warn: percent('Warn above this slowdown'), fail: percent('Fail above this slowdown') },
              },
            },
          },
        },
      },
    },
    compare: {
      type: 'array',
      description: 'Recorded result files shown next to this run (paths relative to the scenario file)',
      items: {
        anyOf: [
          { type: 'string' },
          { type: 'object', required: ['file'], additionalProperties: false, properties: { label: { type: 'string' }, file: { type: 'string' } } },
        ],
      },
    },
    placement: {
      type: 'object',
      additionalProperties: false,
      description: 'CPU placement (taskset -c lists); recorded in every result',
      properties: { gateway: cpuList, upstreams: cpuList, generator: cpuList },
    },
  },
};
