import { Ajv, type ErrorObject } from 'ajv';
import { RESULT_SCHEMA_VERSION } from './result.js';

/**
 * JSON Schema of result.json (schemaVersion 2), kept next to the TypeScript model in
 * core/result.ts. Published as docs/result.schema.json (generated; a test keeps it current).
 */
type Json = Record<string, unknown>;
const num: Json = { type: 'number' };
const nnum: Json = { type: 'number', minimum: 0 };
const int: Json = { type: 'integer', minimum: 0 };
const nullable = (s: Json): Json => ({ anyOf: [s, { type: 'null' }] });
const ratio: Json = nullable({ type: 'number', minimum: 0, maximum: 1 });
const obj = (properties: Record<string, Json>, extra = false): Json => ({ type: 'object', required: Object.keys(properties), additionalProperties: extra, properties });
/** Like obj, plus optional properties (not required, still typed). */
const objOpt = (properties: Record<string, Json>, optional: Record<string, Json>): Json => ({ ...obj(properties), properties: { ...properties, ...optional } });

const latency = obj({ p50: nnum, p90: nnum, p99: nnum, p999: nnum, max: nnum, mean: nnum, count: int });

const stage = obj({
  index: int,
  name: { type: 'string' },
  status: { enum: ['ok', 'invalid', 'not-reached', 'failed', 'interrupted'] },
  reasons: { type: 'array', items: { type: 'string' } },
  connections: int,
  connectionCounts: {
    ...objOpt({ requested: int, established: nullable(int), failed: int, reopened: int, failedByErrno: { type: 'object', additionalProperties: int } },
      { serverSide: nullable(int), active: nullable(int), selection: { enum: ['round-robin', 'random', 'lifo'] } }),
    additionalProperties: true,
  },
  offeredRps: nullable(nnum),
  achievedRps: nnum,
  warmupS: nnum,
  durationS: nnum,
  startedAt: { type: 'string', format: 'date-time' },
  requests: int,
  errors: { type: 'object', additionalProperties: int },
  errorRate: { type: 'number', minimum: 0 },
  latencyMs: latency,
  serviceTimeMs: nullable(latency),
  hdr: { type: 'string' },
  serviceHdr: { type: 'string' },
  hlog: nullable({ type: 'string' }),
  reuse: objOpt(
    { client: ratio, upstream: ratio, gateway: ratio, clientConnectionsOpened: int, upstreamConnectionsOpened: nullable(int), upstreamRequests: nullable(int) },
    { clientRequests: int, upstreamConnectionsActive: nullable(int), gatewayRequests: nullable(int), gatewayConnectionsOpened: nullable(int) },
  ),
  memory: objOpt({
    rssBytes: nullable(nnum), rssMaxBytes: nullable(nnum), heapUsedBytes: nullable(nnum), heapTotalBytes: nullable(nnum),
    residency: nullable(nnum), rssOverHeap: nullable(nnum), rssPerConnectionBytes: nullable(nnum), heapSource: { type: 'string' }, processes: nullable(int),
  }, { heapSysBytes: nullable(nnum), rssOverHeapSys: nullable(nnum), heapProcesses: nullable(int), pssBytes: nullable(nnum), pssPerConnectionBytes: nullable(nnum) }),
  generator: {
    ...objOpt({
      valid: { type: 'boolean' }, reasons: { type: 'array', items: { type: 'string' } }, sendLagP99Ms: nullable(nnum), sendLagMaxMs: nullable(nnum), eventLoopP99Ms: nnum,
      lagBoundMs: nullable(nnum), lagBoundRule: { type: 'string' }, cpu: nnum, workers: int,
    }, { lagBoundStrictMs: nullable(nnum), rssBytes: nullable(nnum), rssPerConnectionBytes: nullable(nnum), arrivals: nullable(obj({ ks: nnum, critical: nnum, ok: { type: 'boolean' } })) }),
    additionalProperties: true,
  },
  cpu: obj({ targetSeconds: nullable(nnum), perRequestUs: nullable(nnum), processes: nullable(int), reason: nullable({ type: 'string' }) }),
  kernel: obj({ listenOverflows: nullable(num), listenDrops: nullable(num), retransSegs: nullable(num), timeWait: nullable(int) }),
  timeline: {
    type: 'array',
    items: obj({ t: num, stage: int, phase: { enum: ['warmup', 'measure'] }, p50: nullable(nnum), p99: nullable(nnum), max: nullable(nnum), rps: nnum, errors: int, rssBytes: nullable(nnum) }),
  },
  engine: { enum: ['gw-bench', 'autocannon'] },
});
// capacity is optional
(stage.properties as Json).capacity = objOpt({
  rps: nullable(nnum), sloP99Ms: nnum, maxErrorRate: nnum,
  probes: { type: 'array', items: objOpt({ rate: nnum, p99Ms: nnum, errorRate: nnum, achievedRps: nnum, valid: { type: 'boolean' }, ok: { type: 'boolean' } }, { durationMs: nnum, activeConnections: nullable(int), okDespiteLag: { type: 'boolean' } }) },
}, {
  half: nullable(obj({ rate: nnum, p99Ms: nnum, p999Ms: nnum, maxMs: nnum, errorRate: nnum, valid: { type: 'boolean' }, lagBoundStrictMs: nullable(nnum), durationMs: nnum })),
});

// target (the gateway's process count per stage) is optional: older results lack it
(stage.properties as Json).target = obj({ workers: nullable({ type: 'integer', minimum: 1 }), sizing: { enum: ['auto', 'fixed', 'external'] }, restarted: { type: 'boolean' } });

export const resultSchema: Json = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://gw-bench.dev/schemas/result-v2.json',
  title: 'gw-bench result.json (schemaVersion 2)',
  // warmup and recording are optional: added within version 2, older files stay valid.
  ...objOpt({
    schemaVersion: { const: RESULT_SCHEMA_VERSION },
    tool: obj({ name: { const: 'gw-bench' }, version: { type: 'string' } }),
    status: { enum: ['complete', 'incomplete', 'interrupted', 'failed'] },
    startedAt: { type: 'string', format: 'date-time' },
    finishedAt: { type: 'string', format: 'date-time' },
    scenario: obj({ name: { type: 'string' }, file: { type: 'string' }, quick: { type: 'boolean' }, spec: { type: 'object' } }),
    target: obj({ impl: { type: 'string' }, version: { type: 'string' }, command: { type: 'string' }, url: { type: 'string' }, pid: nullable(int), workers: nullable(int), metricsUrl: nullable({ type: 'string' }) }),
    env: obj({
      cpuModel: { type: 'string' }, cores: int, memTotalBytes: nnum, kernel: { type: 'string' }, os: { type: 'string' }, node: { type: 'string' }, hostname: { type: 'string' },
      fdLimit: nullable(int), placement: obj({ gateway: nullable({ type: 'string' }), upstreams: nullable({ type: 'string' }), generator: nullable({ type: 'string' }), method: { type: 'string' } }),
      gitSha: nullable({ type: 'string' }), gitDirty: nullable({ type: 'boolean' }), date: { type: 'string' }, runtimes: { type: 'object', additionalProperties: { type: 'string' } },
    }),
    stages: { type: 'array', items: stage },
    verdict: obj({ status: { enum: ['pass', 'fail', 'incomplete', 'invalid', 'target-failure', 'interrupted'] }, exitCode: { type: 'integer', minimum: 0, maximum: 5 }, reasons: { type: 'array', items: { type: 'string' } } }),
  }, {
    warmup: nullable(obj({ durationMs: nnum, rps: nnum, connections: int, requests: int, errors: int, errorRate: ratio })),
    recording: obj({ sittingId: { type: 'string', minLength: 1 }, order: { type: 'integer', minimum: 1 }, of: { type: 'integer', minimum: 1 }, wallSeconds: nnum }),
  }),
};

/** `/stages/1/latencyMs` -> `stages[1].latencyMs`, the form every gw-bench message uses. */
function dotted(pointer: string, child?: string): string {
  const parts = pointer.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (child !== undefined) parts.push(child);
  return parts.reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '') || '(root)';
}

function problemLine(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  const value = JSON.stringify(e.data) ?? 'undefined';
  switch (e.keyword) {
    case 'required': return `${dotted(e.instancePath, String(p['missingProperty']))}: missing`;
    case 'additionalProperties': return `${dotted(e.instancePath, String(p['additionalProperty']))}: not a result.json field`;
    case 'enum': return `${dotted(e.instancePath)}: ${value} is not one of ${(p['allowedValues'] as unknown[]).join(', ')}`;
    case 'anyOf': return `${dotted(e.instancePath)}: ${value} is neither null nor of the expected type`;
    default: return `${dotted(e.instancePath)}: ${value} ${e.message ?? 'is invalid'}`;
  }
}

let validator: ReturnType<Ajv['compile']> | undefined;
/**
 * Problems with a result document (empty when valid), one `path: value expectation` line
 * each. The only result validator: `run` checks what it writes, `report`/`compare`/`gate`
 * check what they read (harness/report/load-result.ts adds the histogram decoding).
 */
export async function resultProblems(doc: unknown): Promise<string[]> {
  if (!validator) {
    const { default: addFormats } = await import('ajv-formats');
    const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
    (addFormats as unknown as (a: Ajv) => void)(ajv);
    validator = ajv.compile(resultSchema);
  }
  if (validator(doc)) return [];
  // The branches inside a nullable (anyOf) repeat what the anyOf line already says.
  return (validator.errors ?? []).filter((e) => !/\/anyOf\/\d+\//.test(e.schemaPath)).map(problemLine);
}
