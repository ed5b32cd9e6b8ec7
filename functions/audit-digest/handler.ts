// Scheduled (EventBridge, rate from the `auditDigestRate` param): seals every closed window
// of the audit trail, signs each digest with the KMS key and exports it to the evidence bucket.
import type { Context } from 'aws-lambda';
import { makeDynamoDigestStore } from '../../lib/audit/digest/dynamodb-digest-store.js';
import { makeDynamoWindowRecords } from '../../lib/audit/digest/dynamodb-window-records.js';
import { makeSealAuditWindows } from '../../lib/audit/digest/seal.js';
import { budgetFromDeadline } from '../../lib/budget.js';
import { dynamodbClient } from '../shared/dynamodb.js';
import { digestConfig, digestSigner } from '../shared/kms.js';
import { config, logger } from '../shared/runtime.js';
import { evidenceExport } from '../shared/s3.js';

const table = { client: dynamodbClient, tableName: config.auditTable, timeoutMs: config.dynamodb.timeoutMs };

export const sealAuditWindows = makeSealAuditWindows({
  store: makeDynamoDigestStore(table),
  records: makeDynamoWindowRecords(table),
  signer: digestSigner,
  evidence: evidenceExport,
  clock: () => new Date(),
  settings: digestConfig.settings,
});

/** Windows one run seals at most: a backlog is caught up over several runs. */
const MAX_WINDOWS_PER_RUN = 288;

export async function handler(_event: unknown, context: Context) {
  const run = await sealAuditWindows(budgetFromDeadline(Date.now() + context.getRemainingTimeInMillis()), {
    maxWindows: MAX_WINDOWS_PER_RUN,
  });
  const summary = { sealed: run.sealed.length, behind: run.behind, through: run.sealed.at(-1)?.end };
  logger.info('audit windows sealed', summary);
  return summary;
}
