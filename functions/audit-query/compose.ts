/**
 * The composition of GET /v1/issuances and GET /v1/issuances/{id}: the audit queries on
 * their reader port, behind the auditors-only route, in the HTTP chain.
 */
import type { CursorSealer } from '../../lib/audit/cursor.js';
import { type AuditReader, makeAuditQueries } from '../../lib/audit/queries.js';
import { type AuditQueryRouteDeps, auditQueryRoute } from '../../lib/audit/query-route.js';
import { type HttpHandlerOptions, httpHandler } from '../../lib/http/handler.js';
import type { Clock } from '../../lib/issuance/ports.js';

export interface AuditQueryPorts extends Omit<AuditQueryRouteDeps, 'queries'> {
  reader: AuditReader;
  cursors: CursorSealer;
  clock: Clock;
}

export const makeHandler = (
  { reader, cursors, clock, ...route }: AuditQueryPorts,
  http: HttpHandlerOptions,
) => httpHandler(auditQueryRoute({ ...route, queries: makeAuditQueries({ reader, cursors, clock }) }), http);
