/**
 * Scenario fields for measuring a team's own gateway (issue 17): how gw-bench starts it
 * (`target.command` and friends), whether it implements the gw-bench contract, per-request
 * status expectations and body templates, and auth from a token file or a fixed header.
 * Kept apart from schema.ts so the additions are one block there (other branches edit it).
 */

import { duration, type Json } from '../problems/units-schema.js';

/** Added to `target.properties`. */
export const ownTargetProperties: Json = {
  contract: {
    enum: ['gw-bench', 'none'],
    description: 'gw-bench = the target implements docs/gateway-contract.md (mock upstreams, contract check); none = any HTTP server (default for external targets)',
  },
  command: { type: 'string', minLength: 1, description: 'Shell command that starts your gateway; it gets the contract environment (GW_LISTEN_PORT, PORT, GW_UPSTREAM_*, GW_JWT_*) and ${port} is replaced' },
  cwd: { type: 'string', minLength: 1, description: 'Working directory of target.command and target.build (relative to the scenario file; default its folder)' },
  env: { type: 'object', additionalProperties: { type: 'string' }, description: 'Extra environment for target.command and target.build (${port} is replaced)' },
  build: { type: 'string', minLength: 1, description: 'Shell command run once in target.cwd before the gateway starts (and in the base worktree by gate --base-ref)' },
  readyUrl: { type: 'string', minLength: 1, description: 'Path (e.g. /healthz) or loopback URL that answers 2xx once the gateway is ready (default: any HTTP answer on /)' },
  readyPattern: { type: 'string', minLength: 1, description: 'Regular expression matched against the gateway\'s output lines; ready on the first match' },
  readyTimeout: duration('How long the gateway may take to become ready'),
};

/** Added to `auth.properties`. */
export const ownAuthProperties: Json = {
  tokenFile: { type: 'string', minLength: 1, description: 'File with one token per line (relative to the scenario file); requests with auth: valid send "authorization: Bearer <token>", round-robin, instead of generated JWTs' },
  header: { type: 'string', pattern: '^[!#$%&\'*+.^_`|~0-9A-Za-z-]+:\\s*\\S.*$', description: 'A fixed header "Name: value" sent by requests with auth: valid, instead of generated JWTs' },
};

/** Added to each request's properties. */
export const ownRequestProperties: Json = {
  body: { type: 'string', description: 'Request body template; variables ${uid}, ${room_id}, ${seq}, ${rand} (alternative to bodySize)' },
  expect: {
    type: 'object',
    additionalProperties: false,
    required: ['status'],
    description: 'What counts as a success (k6-check style); any other status is an `unexpected_status` error',
    properties: {
      status: {
        type: 'array',
        minItems: 1,
        items: { anyOf: [{ type: 'integer', minimum: 100, maximum: 599 }, { enum: ['1xx', '2xx', '3xx', '4xx', '5xx'] }] },
        description: 'Accepted statuses, e.g. [200, 204] or ["2xx"]',
      },
    },
  },
};
