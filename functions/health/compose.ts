/** The composition of GET /v1/health: the identity and audit probes behind the route. */
import { type HttpHandlerOptions, httpHandler } from '../../lib/http/handler.js';
import { type HealthDeps, healthRoute } from '../../lib/observability/health-route.js';

export const makeHandler = (ports: HealthDeps, http: HttpHandlerOptions) =>
  httpHandler(healthRoute(ports), http);
