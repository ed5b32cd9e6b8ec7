/**
 * `npm run audit:seal`: seals every closed window of the running local stack at once, with
 * the same sealing code as the deployed `audit-digest` function, behind the same ports:
 * a PEM key under .local/ instead of KMS, an evidence folder instead of S3.
 * Env: BROKER_DYNAMODB_PORT (8000), BROKER_DIGEST_WINDOW_SECONDS (300),
 * BROKER_DIGEST_SETTLE_SECONDS (120), BROKER_DIGEST_KEY_FILE, BROKER_DIGEST_EVIDENCE_DIR.
 */
import { pathToFileURL } from 'node:url';
import { makeDynamoDigestStore } from '../lib/audit/digest/dynamodb-digest-store.js';
import { makeDynamoWindowRecords } from '../lib/audit/digest/dynamodb-window-records.js';
import { makeFileEvidenceExport } from '../lib/audit/digest/file-evidence-export.js';
import { makeFileSigner } from '../lib/audit/digest/file-signer.js';
import { makeSealAuditWindows, type SealRun } from '../lib/audit/digest/seal.js';
import { type DigestConfig, loadDigestConfig } from '../lib/config/digest.js';
import { loadDevIdentities } from './dev-identities.js';
import { localDynamoClient } from './dynamodb.js';
import { BROKER_AWS_PRINCIPAL, LOCAL_AUDIT_TABLE } from './stack.js';

export interface LocalSealOptions {
  dynamoUrl: string;
  tableName: string;
  digest: DigestConfig;
  identitiesFile?: string;
  clock?: () => Date;
  lookbackDays?: number;
}

/** Seals everything that is closed, however many windows that is (no per-run cap locally). */
export async function sealLocalAuditTrail(options: LocalSealOptions): Promise<SealRun> {
  const identity = loadDevIdentities(options.identitiesFile ?? 'local/dev-identities.json').find(
    (candidate) => candidate.principalArn === BROKER_AWS_PRINCIPAL,
  );
  if (!identity) throw new Error(`no dev identity for ${BROKER_AWS_PRINCIPAL}`);
  const client = localDynamoClient(options.dynamoUrl, identity);
  const table = { client, tableName: options.tableName, timeoutMs: 10_000 };
  const seal = makeSealAuditWindows({
    store: makeDynamoDigestStore(table),
    records: makeDynamoWindowRecords(table),
    signer: makeFileSigner(options.digest.keyFile),
    evidence: makeFileEvidenceExport(options.digest.evidenceDir),
    clock: options.clock ?? (() => new Date()),
    settings: options.digest.settings,
    lookbackDays: options.lookbackDays,
  });
  try {
    return await seal({ remainingMs: () => Number.POSITIVE_INFINITY });
  } finally {
    client.destroy();
  }
}

const entryScript = process.argv[1];
if (entryScript !== undefined && import.meta.url === pathToFileURL(entryScript).href) {
  const port = process.env.BROKER_DYNAMODB_PORT ?? '8000';
  try {
    const run = await sealLocalAuditTrail({
      dynamoUrl: `http://127.0.0.1:${port}`,
      tableName: LOCAL_AUDIT_TABLE,
      digest: loadDigestConfig(process.env),
    });
    const through = run.sealed.at(-1)?.end;
    console.log(
      run.sealed.length === 0
        ? 'No closed window to seal (every closed window is sealed already, or the trail is empty).'
        : `Sealed ${run.sealed.length} window(s), ${run.sealed[0]?.start} – ${through}.`,
    );
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    console.error(
      `audit:seal failed: ${reason}\nIs the local stack running (npm start, DynamoDB on port ${port})?`,
    );
    process.exitCode = 1;
  }
}
