import { ConfigError } from '../../core/errors.js';
import { formatProblems } from '../../core/problems/problem.js';
import { schemaProblems } from '../../core/problems/schema.js';

/**
 * The schema of `baselines/<impl>/impl.json`, checked once when the implementation is
 * listed. The flags here steer the plan (`multiProcess` and `balancedAccept` decide how
 * many processes each stage gets, `maxConnections` which stages are measured), so a
 * string "yes" or a misspelt key must be refused by name, not read as truthy or ignored.
 */
const nullableString = { type: ['string', 'null'] };

export const implJsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1 },
    language: { type: 'string', minLength: 1 },
    runtime: { type: 'string' },
    framework: { type: 'string' },
    version: { type: 'string' },
    contract: { enum: ['full', 'partial'] },
    role: { type: 'string' },
    multiProcess: { type: 'boolean' },
    balancedAccept: { type: 'boolean' },
    maxConnections: { type: ['integer', 'null'], minimum: 1 },
    maxConnectionsReason: { type: 'string' },
    heapMetrics: {
      type: 'object',
      additionalProperties: false,
      required: ['used', 'total'],
      properties: { used: nullableString, total: nullableString, runtime: { type: 'string' }, processes: { type: 'string' } },
    },
    heapReason: { type: 'string' },
    capabilities: { type: 'array', items: { type: 'string' } },
    routes: { type: 'array', items: { type: 'string' } },
    cannotDo: { type: 'array', items: { type: 'string' } },
    conformanceFails: { type: 'object', additionalProperties: { type: 'string' } },
    notes: { type: 'string' },
  },
} as const;

/** The parsed impl.json, or a ConfigError (exit 2) naming the file and every bad field. */
export function checkImplJson(text: string, file: string): Record<string, unknown> {
  let doc: unknown;
  try { doc = JSON.parse(text); } catch (e) {
    throw new ConfigError(`${file} is not JSON: ${(e as Error).message}`);
  }
  const problems = schemaProblems(implJsonSchema as unknown as Record<string, unknown>, doc);
  if (problems.length) throw new ConfigError(`${file} is invalid (${problems.length} problem${problems.length > 1 ? 's' : ''})`, formatProblems(problems));
  return doc as Record<string, unknown>;
}
