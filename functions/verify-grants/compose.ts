/**
 * The composition of the scheduled grant check: the verification use case on its ports,
 * each check reported to the log and the GrantCheckFailed metric, in the scheduled entry.
 */
import { type GrantCheckMetric, reportGrantCheck } from '../../lib/observability/grant-check-report.js';
import type { BrokerLogger } from '../../lib/observability/logger.js';
import { scheduledVerifyGrants } from '../../lib/verification/scheduled-run.js';
import { makeVerifyGrants, type VerifyGrantsDeps } from '../../lib/verification/verify-grants.js';

export interface VerifyGrantsPorts extends Omit<VerifyGrantsDeps, 'onChecked'> {
  logger: BrokerLogger;
  metric: GrantCheckMetric;
}

export const makeHandler = ({ logger, metric, ...verify }: VerifyGrantsPorts) =>
  scheduledVerifyGrants(makeVerifyGrants({ ...verify, onChecked: reportGrantCheck(logger, metric) }), logger);
