/** GET /v1/audit/public-key: the key that verifies the digests; auditors only, like the digests. */
import * as z from 'zod';
import type { DigestPublicKey } from '../../lib/audit/digest/signer.js';
import { getPublicKeyContract } from '../../lib/contracts/audit-evidence.js';
import { dependencyUnavailable, forbidden } from '../../lib/errors.js';
import type { AllowList } from '../../lib/grants/allow-list.js';
import { validate } from '../../lib/http/body.js';
import type { Route } from '../../lib/http/handler.js';
import type { BrokerLogger } from '../../lib/observability/logger.js';

export interface AuditPublicKeyRouteDeps {
  publicKey: () => Promise<DigestPublicKey>;
  allowList: Pick<AllowList, 'isAuditor'>;
  logger: Pick<BrokerLogger, 'warn'>;
}

export function auditPublicKeyRoute(deps: AuditPublicKeyRouteDeps): Route<undefined, Record<string, string>> {
  return {
    name: 'audit-public-key',
    query: z.record(z.string(), z.string()),
    async handle({ caller, query, facts }) {
      if (!deps.allowList.isAuditor(caller)) {
        deps.logger.warn('AUDIT_DENIED', { caller: caller.key, requestId: facts.requestId });
        throw forbidden('caller is not an auditor');
      }
      validate(query, getPublicKeyContract.request.query);
      const key = await deps.publicKey().catch((error: unknown) => {
        throw dependencyUnavailable('kms', 'GetPublicKey failed', error);
      });
      return { status: 200, body: { keyId: key.keyId, algorithm: key.algorithm, pem: key.pem } };
    },
  };
}
