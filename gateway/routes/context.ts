import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GatewayState } from '../state.js';
import type { GatewayMetrics } from '../observability/metrics.js';
import type { RouteMatch } from './router.js';
import type { ShadowTap } from '../shadow/mirror.js';

/** What a route handler gets for one client request. */
export interface RequestContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly requestId: string;
  /** Verified token subject, null on routes without auth. */
  readonly sub: string | null;
  readonly path: string;
  /** Query string without the `?`, '' when absent. */
  readonly query: string;
  readonly match: RouteMatch;
  /** State snapshot taken when the request arrived. */
  readonly state: GatewayState;
  readonly metrics: GatewayMetrics;
  /** The client's region when per-region breakers are configured (`regions:`), else null. */
  readonly region: string | null;
  /** Set when this request is mirrored and has a body: the proxy wraps the body with it. */
  readonly shadowTap: ShadowTap | null;
  /** Mark the response `connection: close` if shutdown began while it was in flight. */
  closeIfDraining(): void;
}
