/**
 * The scheduled (EventBridge) entry of the grant check: the whole Lambda's remaining time
 * is the budget, the summary is logged and returned.
 */
import type { Context } from 'aws-lambda';
import { budgetFromDeadline } from '../budget.js';
import type { BrokerLogger } from '../observability/logger.js';
import type { makeVerifyGrants, VerifySummary } from './verify-grants.js';

export function scheduledVerifyGrants(
  verifyGrants: ReturnType<typeof makeVerifyGrants>,
  logger: Pick<BrokerLogger, 'info'>,
) {
  return async function handler(_event: unknown, context: Context): Promise<Omit<VerifySummary, 'checks'>> {
    const { checks, ...summary } = await verifyGrants(
      budgetFromDeadline(Date.now() + context.getRemainingTimeInMillis()),
    );
    logger.info('grant checks done', {
      ...summary,
      failedGrants: checks.filter((c) => c.status === 'failed').map((c) => c.grantId),
    });
    // A check that failed is a finding, reported by its record and metric; a record that
    // could not be written is the job failing, and must show as a Lambda error.
    if (summary.auditFailures > 0) throw new Error(`${summary.auditFailures} VERIFY record(s) not written`);
    return summary;
  };
}
