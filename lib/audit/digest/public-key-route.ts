/**
 * GET /v1/audit/public-key: the key that verifies the digests; auditors only, admitted
 * like the digests (rate, then auditor; a refusal is recorded as AUDIT_DENIED).
 */
import * as z from 'zod';
import { type DigestPublicKeyBody, getPublicKeyContract } from '../../contracts/audit-evidence.js';
import { dependencyUnavailable } from '../../errors.js';
import { validate } from '../../http/body.js';
import type { Route } from '../../http/handler.js';
import type { AdmitAuditor } from '../audit-gate.js';
import type { DigestPublicKey } from './signer.js';

export interface AuditPublicKeyRouteDeps {
  publicKey: () => Promise<DigestPublicKey>;
  admitAuditor: AdmitAuditor;
}

export function auditPublicKeyRoute(deps: AuditPublicKeyRouteDeps): Route<undefined, Record<string, string>> {
  return {
    name: 'audit-public-key',
    // Any query string: the contract's (none allowed) applies once the caller is admitted.
    query: z.record(z.string(), z.string()),
    async handle({ caller, query, facts }) {
      await deps.admitAuditor(caller, facts, 'audit-public-key');
      validate(query, getPublicKeyContract.request.query);
      const key = await deps.publicKey().catch((error: unknown) => {
        throw dependencyUnavailable('kms', 'GetPublicKey failed', error);
      });
      return {
        status: 200,
        body: { keyId: key.keyId, algorithm: key.algorithm, pem: key.pem } satisfies DigestPublicKeyBody,
      };
    },
  };
}
