/**
 * The composition of GET /v1/audit/digests: the digest listing on its store port, behind
 * the auditors-only route, in the HTTP chain.
 */
import { makeDigestListing } from '../../lib/audit/digest/digest-listing.js';
import { type AuditDigestsRouteDeps, auditDigestsRoute } from '../../lib/audit/digest/digests-route.js';
import type { DigestStore } from '../../lib/audit/digest/ports.js';
import { type HttpHandlerOptions, httpHandler } from '../../lib/http/handler.js';

export interface AuditDigestsPorts extends Omit<AuditDigestsRouteDeps, 'listDigests'> {
  store: DigestStore;
}

export const makeHandler = ({ store, ...route }: AuditDigestsPorts, http: HttpHandlerOptions) =>
  httpHandler(auditDigestsRoute({ ...route, listDigests: makeDigestListing({ store }) }), http);
