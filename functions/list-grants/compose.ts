/**
 * The composition of GET /v1/grants: the grants of the running configuration and the
 * latest check of each (read through the audit reader port), in the HTTP chain.
 */
import { makeLatestChecks } from '../../lib/audit/latest-checks.js';
import type { AuditReader } from '../../lib/audit/queries.js';
import { type ListGrantsDeps, listGrantsRoute } from '../../lib/grants/list-route.js';
import { type HttpHandlerOptions, httpHandler } from '../../lib/http/handler.js';
import type { Clock } from '../../lib/issuance/ports.js';

export interface ListGrantsPorts extends Omit<ListGrantsDeps, 'latestChecks'> {
  reader: AuditReader;
  clock: Clock;
}

export const makeHandler = ({ reader, clock, ...route }: ListGrantsPorts, http: HttpHandlerOptions) =>
  httpHandler(listGrantsRoute({ ...route, latestChecks: makeLatestChecks(reader, { clock }) }), http);
