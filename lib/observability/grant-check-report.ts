/**
 * How a scheduled grant check is reported: one log line per grant, and a `GrantCheckFailed`
 * EMF metric per grant (1 for a failed check, 0 for a good one) to alarm on Sum > 0.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { GrantCheck } from '../verification/verify-grants.js';
import type { BrokerLogger } from './logger.js';
import { METRICS_NAMESPACE, METRICS_SERVICE } from './metrics.js';

export const GRANT_CHECK_METRIC = 'GrantCheckFailed';

/** The port the check's metric goes through. */
export interface GrantCheckMetric {
  record(check: Pick<GrantCheck, 'grantId' | 'reason' | 'status'>): void;
}

/** One EMF line per grant: a single metric, since each grant is its own dimension value. */
export function makeGrantCheckMetric(stage: string): GrantCheckMetric {
  const metrics = new Metrics({
    namespace: METRICS_NAMESPACE,
    serviceName: METRICS_SERVICE,
    defaultDimensions: { stage },
  });
  return {
    record(check) {
      const metric = metrics.singleMetric();
      metric.addDimension('grant', check.grantId);
      metric.addMetadata('reason', check.reason);
      metric.addMetric(GRANT_CHECK_METRIC, MetricUnit.Count, check.status === 'ok' ? 0 : 1);
    },
  };
}

export function reportGrantCheck(logger: Pick<BrokerLogger, 'info' | 'warn'>, metric: GrantCheckMetric) {
  return (check: GrantCheck): void => {
    const fields = { grant: check.grantId, status: check.status, reason: check.reason, detail: check.detail };
    if (check.status === 'ok') logger.info('grant check', fields);
    else logger.warn('grant check failed', fields);
    metric.record(check);
  };
}
