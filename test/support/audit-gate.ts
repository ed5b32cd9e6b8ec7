/**
 * The real audit gate (lib/audit/audit-gate.ts) on fakes, for the tests of the auditors-only
 * routes: the security-audit role is the auditor, refusals land in a FakeAuditStore, and the
 * rate limiter answers over for the `audit` budget when asked to.
 */
import { makeAuditGate } from '../../lib/audit/audit-gate.js';
import type { AllowList } from '../../lib/grants/allow-list.js';
import { type Caller, callerRefKey } from '../../lib/grants/caller.js';
import { FakeAuditStore, FakeRateLimiter } from './fakes.js';

export const AUDITOR = 'arn:aws:sts::111111111111:assumed-role/security-audit/alice';
export const NOT_AUDITOR = 'arn:aws:sts::111111111111:assumed-role/reporting-service/w1';

const auditorKey = callerRefKey('arn:aws:iam::111111111111:role/security-audit');

export function auditGateOnFakes(
  options: { overAudit?: boolean; allowList?: Pick<AllowList, 'isAuditor'> } = {},
) {
  const audit = new FakeAuditStore();
  const rateLimiter = new FakeRateLimiter([], new Set(options.overAudit ? ['audit'] : []));
  let ids = 0;
  const admitAuditor = makeAuditGate({
    allowList: options.allowList ?? { isAuditor: (caller: Caller) => caller.key === auditorKey },
    audit,
    rateLimiter,
    limitPerMinute: 60,
    newId: () => `01GATE${String(++ids).padStart(20, '0')}`,
    clock: () => new Date('2025-03-11T00:00:00Z'),
  });
  return { admitAuditor, audit, rateLimiter };
}
