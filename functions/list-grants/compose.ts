/**
 * The composition of GET /v1/grants (auditors: every grant and the latest check of each,
 * read through the audit reader port) and GET /v1/grants/mine (any caller: its own
 * grants), one function serving both routes, each in the HTTP chain.
 */
import { makeLatestChecks } from '../../lib/audit/latest-checks.js';
import type { AuditReader } from '../../lib/audit/queries.js';
import { listGrantsContract } from '../../lib/contracts/list-grants.js';
import { listMyGrantsContract } from '../../lib/contracts/list-my-grants.js';
import { type ListGrantsDeps, listGrantsRoute } from '../../lib/grants/list-route.js';
import { type MyGrantsRouteDeps, myGrantsRoute } from '../../lib/grants/my-grants-route.js';
import { type HttpHandlerOptions, httpHandler } from '../../lib/http/handler.js';
import { dispatchByRoute } from '../../lib/http/route-dispatch.js';
import type { Clock } from '../../lib/issuance/ports.js';

export interface ListGrantsPorts extends Omit<ListGrantsDeps, 'latestChecks'> {
  reader: AuditReader;
  clock: Clock;
  /** GET /v1/grants/mine: apart from the auditors' route (no audit reader, no auditor check). */
  mine: MyGrantsRouteDeps;
}

export const makeHandler = ({ reader, clock, mine, ...route }: ListGrantsPorts, http: HttpHandlerOptions) =>
  dispatchByRoute([
    [
      listGrantsContract,
      httpHandler(listGrantsRoute({ ...route, latestChecks: makeLatestChecks(reader, { clock }) }), http),
    ],
    [listMyGrantsContract, httpHandler(myGrantsRoute(mine), http)],
  ]);
