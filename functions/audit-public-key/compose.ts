/**
 * The composition of GET /v1/audit/public-key: the signer's public key behind the
 * auditors-only route, in the HTTP chain. Deployed: the KMS key; locally: the PEM key file.
 */
import {
  type AuditPublicKeyRouteDeps,
  auditPublicKeyRoute,
} from '../../lib/audit/digest/public-key-route.js';
import { type HttpHandlerOptions, httpHandler } from '../../lib/http/handler.js';

export type AuditPublicKeyPorts = AuditPublicKeyRouteDeps;

export const makeHandler = (ports: AuditPublicKeyPorts, http: HttpHandlerOptions) =>
  httpHandler(auditPublicKeyRoute(ports), http);
