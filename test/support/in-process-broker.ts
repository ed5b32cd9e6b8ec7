/**
 * The deployed issue-credentials handler, imported in this process with its real module-scope
 * SDK clients pointed (through AWS_ENDPOINT_URL_*) at dynalite and the AWS STS emulator. No
 * serverless-offline, no HTTP in front: what Lambda would run, minus API Gateway.
 * The emulators run in this process (startInProcessBroker) or in another one
 * (startBrokerEmulators there, importIssueHandler here: bench/support/emulator-process.ts).
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
const DEFAULT_GRANTS_FILE = 'local/grants.yaml';

export type IssueHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

export interface BrokerEmulators {
  dynamo: LocalDynamo;
  sts: StsEmulator;
  stop(): Promise<void>;
}

export interface InProcessBroker extends BrokerEmulators {
  handler: IssueHandler;
  /** The broker's own dev identity, which signs its STS and DynamoDB calls. */
  brokerIdentity: DevIdentity;
}

/** The broker's own dev identity, which signs its STS and DynamoDB calls. */
export function brokerDevIdentity(): DevIdentity {
  const identity = loadDevIdentities('local/dev-identities.json').find(
    (i) => i.principalArn === BROKER_AWS_PRINCIPAL,
  );
  if (!identity) throw new Error('local/dev-identities.json has no broker identity');
  return identity;
}

/** dynalite with the audit and rate tables, and the AWS STS emulator knowing the grants' roles. */
export async function startBrokerEmulators(grantsFile = DEFAULT_GRANTS_FILE): Promise<BrokerEmulators> {
  const dynamo = await startDynalite({ port: 0 });
  const admin = localDynamoClient(dynamo.url, brokerDevIdentity());
  await ensureTable(admin, auditTableInput(IN_PROCESS_AUDIT_TABLE));
  await ensureTable(admin, rateTableInput(IN_PROCESS_RATE_TABLE));
  admin.destroy();
  const sts = await startAwsStsEmulator({
    port: 0,
    identities: loadDevIdentities('local/dev-identities.json'),
    roles: emulatedAwsRoles(loadGrants(grantsFile)),
  });
  return {
    dynamo,
    sts,
    stop: async () => {
      await sts.stop();
      await dynamo.stop();
    },
  };
}

/** Imports the handler with its clients pointed at emulators running anywhere on loopback. */
export async function importIssueHandler(options: {
  endpoints: { dynamodb: string; sts: string };
  grantsFile?: string;
  env?: Record<string, string>;
}): Promise<IssueHandler> {
  const brokerIdentity = brokerDevIdentity();
  // The functions read the compiled grants file, as packaging writes it.
  const compiledGrants = join(mkdtempSync(join(tmpdir(), 'broker-grants-')), 'grants.json');
  writeFileSync(compiledGrants, compileGrants(options.grantsFile ?? DEFAULT_GRANTS_FILE));

  Object.assign(process.env, {
    BROKER_STAGE: 'inproc',
    BROKER_GRANTS_FILE: compiledGrants,
    BROKER_AUDIT_TABLE: IN_PROCESS_AUDIT_TABLE,
    BROKER_RATE_TABLE: IN_PROCESS_RATE_TABLE,
    AWS_ENDPOINT_URL_STS: options.endpoints.sts,
    AWS_ENDPOINT_URL_DYNAMODB: options.endpoints.dynamodb,
    AWS_ACCESS_KEY_ID: brokerIdentity.accessKeyId,
    AWS_SECRET_ACCESS_KEY: brokerIdentity.secretAccessKey,
    AWS_REGION: 'us-east-1',
    ...options.env,
  });
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
  const module = await import('../../functions/issue-credentials/handler.js');
  return module.handler as IssueHandler;
}

export async function startInProcessBroker(
  options: { grantsFile?: string; env?: Record<string, string> } = {},
): Promise<InProcessBroker> {
  const emulators = await startBrokerEmulators(options.grantsFile);
  const handler = await importIssueHandler({
    ...options,
    endpoints: { dynamodb: emulators.dynamo.url, sts: emulators.sts.url },
  });
  return { ...emulators, handler, brokerIdentity: brokerDevIdentity() };
}
