// Scheduled (EventBridge, rate from the `verifyGrantsRate` param): checks every enabled grant.
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { ulid } from 'ulid';
import { budgetFromDeadline } from '../../lib/budget.js';
import { METRICS_NAMESPACE, METRICS_SERVICE } from '../../lib/observability/metrics.js';
import { makeVerifyGrants, type VerifySummary } from '../../lib/verification/verify-grants.js';
import { auditStore } from '../shared/dynamodb.js';
import { allowList, config, logger } from '../shared/runtime.js';
import { issuers } from '../shared/sts.js';

/** Alarm on Sum > 0 per grant: the value is 1 for a failed check, 0 for a good one. */
export const GRANT_CHECK_METRIC = 'GrantCheckFailed';

const metrics = new Metrics({
  namespace: METRICS_NAMESPACE,
  serviceName: METRICS_SERVICE,
  defaultDimensions: { stage: config.stage },
});

export const verifyGrants = makeVerifyGrants({
  grants: () => allowList.grants(),
  issuers,
  audit: auditStore,
  newId: ulid,
  clock: () => new Date(),
  onChecked(check) {
    const fields = { grant: check.grantId, status: check.status, reason: check.reason, detail: check.detail };
    if (check.status === 'ok') logger.info('grant check', fields);
    else logger.warn('grant check failed', fields);
    const metric = metrics.singleMetric();
    metric.addDimension('grant', check.grantId);
    metric.addMetadata('reason', check.reason);
    metric.addMetric(GRANT_CHECK_METRIC, MetricUnit.Count, check.status === 'ok' ? 0 : 1);
  },
});

export async function handler(_event: unknown, context: Context): Promise<Omit<VerifySummary, 'checks'>> {
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
}
