/**
 * The deployed issue-credentials handler, imported in this process with its real module-scope
 * SDK clients pointed (through AWS_ENDPOINT_URL_*) at an in-process dynalite and AWS STS
 * emulator. No serverless-offline, no HTTP in front: what Lambda would run, minus API Gateway.
 * The handler reads process.env once at import, so this works once per process.
 */

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { compileGrants, loadGrants } from '../../lib/config/grants.js';
import { type StsEmulator, startAwsStsEmulator } from '../../local/aws-sts-emulator/index.js';
import { type DevIdentity, loadDevIdentities } from '../../local/dev-identities.js';
import {
  auditTableInput,
  ensureTable,
  type LocalDynamo,
  localDynamoClient,
  rateTableInput,
  startDynalite,
} from '../../local/dynamodb.js';
import { BROKER_AWS_PRINCIPAL, emulatedAwsRoles } from '../../local/stack.js';

export const IN_PROCESS_AUDIT_TABLE = 'credential-broker-inproc-audit';
export const IN_PROCESS_RATE_TABLE = 'credential-broker-inproc-rate';

export type IssueHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

export interface InProcessBroker {
  handler: IssueHandler;
  dynamo: LocalDynamo;
  sts: StsEmulator;
  /** The broker's own dev identity, which signs its STS and DynamoDB calls. */
  brokerIdentity: DevIdentity;
  stop(): Promise<void>;
}

export async function startInProcessBroker(
  options: { grantsFile?: string; env?: Record<string, string> } = {},
): Promise<InProcessBroker> {
  const grantsFile = options.grantsFile ?? 'local/grants.yaml';
  const identities = loadDevIdentities('local/dev-identities.json');
  const brokerIdentity = identities.find((i) => i.principalArn === BROKER_AWS_PRINCIPAL);
  if (!brokerIdentity) throw new Error('local/dev-identities.json has no broker identity');

  const dynamo = await startDynalite({ port: 0 });
  const admin = localDynamoClient(dynamo.url, brokerIdentity);
  await ensureTable(admin, auditTableInput(IN_PROCESS_AUDIT_TABLE));
  await ensureTable(admin, rateTableInput(IN_PROCESS_RATE_TABLE));
  admin.destroy();
  const sts = await startAwsStsEmulator({
    port: 0,
    identities,
    roles: emulatedAwsRoles(loadGrants(grantsFile)),
  });

  // The functions read the compiled grants file, as packaging writes it.
  const compiledGrants = join(mkdtempSync(join(tmpdir(), 'broker-grants-')), 'grants.json');
  writeFileSync(compiledGrants, compileGrants(grantsFile));

  Object.assign(process.env, {
    BROKER_STAGE: 'inproc',
    BROKER_GRANTS_FILE: compiledGrants,
    BROKER_AUDIT_TABLE: IN_PROCESS_AUDIT_TABLE,
    BROKER_RATE_TABLE: IN_PROCESS_RATE_TABLE,
    AWS_ENDPOINT_URL_STS: sts.url,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.url,
    AWS_ACCESS_KEY_ID: brokerIdentity.accessKeyId,
    AWS_SECRET_ACCESS_KEY: brokerIdentity.secretAccessKey,
    AWS_REGION: 'us-east-1',
    ...options.env,
  });
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
  const module = await import('../../functions/issue-credentials/handler.js');
  return {
    handler: module.handler as IssueHandler,
    dynamo,
    sts,
    brokerIdentity,
    stop: async () => {
      await sts.stop();
      await dynamo.stop();
    },
  };
}
