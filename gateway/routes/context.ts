import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GatewayState } from '../state.js';
import type { GatewayMetrics } from '../observability/metrics.js';
import type { RouteMatch } from './router.js';

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
  /** Mark the response `connection: close` if shutdown began while it was in flight. */
  closeIfDraining(): void;
}
