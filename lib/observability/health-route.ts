/**
 * GET /v1/health: a real round trip through the clients and permissions the broker
 * mints with (GetCallerIdentity, and a GetItem on the audit table), so "healthy" means
 * "can issue", not merely "the Lambda started".
 */
import type { HealthReportBody } from '../contracts/health.js';
import type { Route } from '../http/handler.js';
import type { AuditStore } from '../issuance/ports.js';
import type { IdentityProbe } from '../providers/aws-sts.js';

export interface HealthDeps {
  identity: IdentityProbe;
  audit: Pick<AuditStore, 'probe'>;
  version: string;
  table: string;
}

export function healthRoute(deps: HealthDeps): Route {
  return {
    name: 'health',
    async handle({ facts }) {
      const [identity] = await Promise.all([
        deps.identity.whoAmI(facts.budget),
        deps.audit.probe(facts.budget),
      ]);
      return {
        status: 200,
        body: {
          status: 'ok',
          version: deps.version,
          identity,
          table: { name: deps.table, status: 'ok' },
        } satisfies HealthReportBody,
      };
    },
  };
}
