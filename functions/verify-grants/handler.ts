// Scheduled (EventBridge, rate from the `verifyGrantsRate` param): checks every enabled grant.
import { newRecordId } from '../../lib/ids.js';
import { makeGrantCheckMetric } from '../../lib/observability/grant-check-report.js';
import { auditStore } from '../shared/dynamodb.js';
import { issuers } from '../shared/issuers.js';
import { allowList, config, logger } from '../shared/runtime.js';
import { makeHandler, type VerifyGrantsPorts } from './compose.js';

export const ports: VerifyGrantsPorts = {
  grants: () => allowList.grants(),
  issuers,
  audit: auditStore,
  newId: newRecordId,
  clock: () => new Date(),
  logger,
  metric: makeGrantCheckMetric(config.stage),
};

export const handler = makeHandler(ports);
