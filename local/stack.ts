/**
 * The embedded local stack: dynalite, the AWS and Volcengine STS emulators, the local OIDC
 * issuer and the API under serverless-offline (stage `local`), all on 127.0.0.1. Used by
 * `npm start` and by the integration tests (on free ports, in-memory DynamoDB).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { loadGrants } from '../lib/config/grants.js';
import type { GrantsFile } from '../lib/config/grants-schema.js';
import { LOCAL_CURSOR_KEY } from '../lib/config/secrets.js';
import { startApiGate } from './api-gate.js';
import { type EmulatedRole, type StsEmulator, startAwsStsEmulator } from './aws-sts-emulator/index.js';
import { loadDevIdentities } from './dev-identities.js';
import {
  auditTableInput,
  ensureTable,
  type LocalDynamo,
  localDynamoClient,
  rateTableInput,
  startDynalite,
} from './dynamodb.js';
import { ensureLocalIssuer, LOCAL_AUDIENCE, LOCAL_ISSUER, type LocalIssuerFiles } from './jwt-issuer.js';
import { claimPort, waitForHttp } from './ports.js';
import { type SsmEmulator, startSsmEmulator } from './ssm-emulator/index.js';
import { startVolcengineStsEmulator } from './volcengine-sts-emulator/index.js';

/** The broker's own local identities (see dev-identities.json). */
export const BROKER_AWS_PRINCIPAL = 'arn:aws:sts::111111111111:assumed-role/credential-broker-local/broker';
export const BROKER_AWS_ROLE = 'arn:aws:iam::111111111111:role/credential-broker-local';
export const BROKER_VOLCENGINE_PRINCIPAL = 'trn:iam::2100000001:user/credential-broker';
export const LOCAL_STAGE = 'local';
export const LOCAL_RATE_TABLE = 'credential-broker-local-rate';
export const LOCAL_AUDIT_TABLE = 'credential-broker-local-audit';
const DEFAULT_MAX_IN_FLIGHT = 4;
/** The local stage's secrets, served by the SSM emulator under the names deployed stages use. */
export const LOCAL_SECRET_NAMES = {
  cursorKey: '/credential-broker/local/cursor-key',
  volcengineAccessKeyId: '/credential-broker/local/volcengine-access-key-id',
  volcengineSecretAccessKey: '/credential-broker/local/volcengine-secret-access-key',
} as const;

/** The emulated target roles: the AWS roles the grants name, each trusting the broker's role. */
export function emulatedAwsRoles(grants: GrantsFile): EmulatedRole[] {
  return grants.grants.flatMap((g) =>
    g.provider === 'aws'
      ? [
          {
            arn: g.roleArn,
            trustedPrincipals: [BROKER_AWS_ROLE],
            externalId: g.externalId,
            maxSessionDurationSeconds: g.roleMaxSessionDurationSeconds,
          },
        ]
      : [],
  );
}

export interface LocalStackOptions {
  ports: {
    api: number;
    lambda: number;
    dynamodb: number;
    awsSts: number;
    volcengineSts: number;
    ssm: number;
  };
  /** Where dynalite keeps data and the local issuer its key; undefined = in memory + temp. */
  dataDir: string;
  persistDynamo: boolean;
  grantsFile: string;
  identitiesFile: string;
  /**
   * Requests let into serverless-offline at once (default 4); the gate queues the rest, so a
   * burst reuses a few warm workers instead of cold-starting one per request.
   */
  maxInFlight?: number;
  /** Extra environment for the API (tests tune timeouts with it). */
  apiEnv?: Record<string, string>;
  onApiOutput?: (chunk: string) => void;
}

export interface LocalStack {
  apiUrl: string;
  dynamo: LocalDynamo;
  awsSts: StsEmulator;
  volcengineSts: Awaited<ReturnType<typeof startVolcengineStsEmulator>>;
  ssm: SsmEmulator;
  jwt: LocalIssuerFiles & { issuer: string; audience: string };
  tableName: string;
  /** The local digest key and evidence folder the API and `npm run audit:seal` share. */
  digestFiles: { keyFile: string; evidenceDir: string };
  stop(): Promise<void>;
}

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const grants = loadGrants(options.grantsFile);
  const identities = loadDevIdentities(options.identitiesFile);
  const identityOf = (principalArn: string) => {
    const identity = identities.find((i) => i.principalArn === principalArn);
    if (!identity) throw new Error(`${options.identitiesFile} has no identity for ${principalArn}`);
    return identity;
  };
  const brokerAws = identityOf(BROKER_AWS_PRINCIPAL);
  const brokerVolcengine = identityOf(BROKER_VOLCENGINE_PRINCIPAL);
  const apiPort = await claimPort(options.ports.api, 'BROKER_PORT');
  // serverless-offline listens behind the gate (./api-gate.ts) on a free loopback port.
  const offlinePort = await claimPort(0, 'BROKER_PORT');
  const lambdaPort = await claimPort(options.ports.lambda, 'BROKER_LAMBDA_PORT');
  await claimPort(options.ports.dynamodb, 'BROKER_DYNAMODB_PORT');
  await claimPort(options.ports.awsSts, 'BROKER_STS_PORT');
  await claimPort(options.ports.volcengineSts, 'BROKER_VOLCENGINE_STS_PORT');
  await claimPort(options.ports.ssm, 'BROKER_SSM_PORT');

  const stoppers: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const stopOne of stoppers.reverse()) await stopOne().catch(() => undefined);
  };
  try {
    const dynamo = await startDynalite({
      port: options.ports.dynamodb,
      dataDir: options.persistDynamo ? join(options.dataDir, 'dynamodb') : undefined,
    });
    stoppers.push(dynamo.stop);
    const tableName = LOCAL_AUDIT_TABLE;
    await ensureTable(localDynamoClient(dynamo.url, brokerAws), auditTableInput(tableName));
    await ensureTable(localDynamoClient(dynamo.url, brokerAws), rateTableInput(LOCAL_RATE_TABLE));

    // The emulated target roles are the roles the grants name, each trusting the broker.
    const awsSts = await startAwsStsEmulator({
      port: options.ports.awsSts,
      identities,
      roles: emulatedAwsRoles(grants),
    });
    stoppers.push(awsSts.stop);
    const volcengineSts = await startVolcengineStsEmulator({
      port: options.ports.volcengineSts,
      identities,
      roles: grants.grants.flatMap((g) =>
        g.provider === 'volcengine'
          ? [{ trn: g.roleTrn, trustedPrincipals: [BROKER_VOLCENGINE_PRINCIPAL] }]
          : [],
      ),
    });
    stoppers.push(volcengineSts.stop);
    // The functions read their secrets by name through the same adapter as in AWS; only the
    // broker's own identity may read them, as its IAM role alone would be allowed to.
    const ssm = await startSsmEmulator({
      port: options.ports.ssm,
      identities: [brokerAws],
      parameters: {
        [LOCAL_SECRET_NAMES.cursorKey]: LOCAL_CURSOR_KEY,
        [LOCAL_SECRET_NAMES.volcengineAccessKeyId]: brokerVolcengine.accessKeyId,
        [LOCAL_SECRET_NAMES.volcengineSecretAccessKey]: brokerVolcengine.secretAccessKey,
      },
    });
    stoppers.push(ssm.stop);
    const jwtFiles = await ensureLocalIssuer(join(options.dataDir, 'jwt'));
    const digestFiles = {
      keyFile: join(options.dataDir, 'audit-digest', 'signing-key.pem'),
      evidenceDir: join(options.dataDir, 'audit-evidence'),
    };

    const api = spawnOffline(
      {
        BROKER_PORT: String(apiPort),
        BROKER_OFFLINE_HTTP_PORT: String(offlinePort),
        BROKER_LAMBDA_PORT: String(lambdaPort),
        BROKER_STAGE: LOCAL_STAGE,
        BROKER_GRANTS_FILE: options.grantsFile,
        BROKER_AUDIT_TABLE: tableName,
        BROKER_DIGEST_KEY_FILE: digestFiles.keyFile,
        BROKER_DIGEST_EVIDENCE_DIR: digestFiles.evidenceDir,
        BROKER_RATE_TABLE: LOCAL_RATE_TABLE,
        BROKER_DEV_IDENTITIES_FILE: options.identitiesFile,
        BROKER_LOCAL_JWKS_FILE: jwtFiles.jwksFile,
        BROKER_LOCAL_JWT_ISSUER: LOCAL_ISSUER,
        BROKER_LOCAL_JWT_AUDIENCE: LOCAL_AUDIENCE,
        BROKER_VOLCENGINE_ENDPOINT: volcengineSts.url,
        BROKER_CURSOR_KEY_PARAMETER: LOCAL_SECRET_NAMES.cursorKey,
        BROKER_VOLCENGINE_ACCESS_KEY_ID_PARAMETER: LOCAL_SECRET_NAMES.volcengineAccessKeyId,
        BROKER_VOLCENGINE_SECRET_ACCESS_KEY_PARAMETER: LOCAL_SECRET_NAMES.volcengineSecretAccessKey,
        AWS_ENDPOINT_URL_STS: awsSts.url,
        AWS_ENDPOINT_URL_SSM: ssm.url,
        AWS_ENDPOINT_URL_DYNAMODB: dynamo.url,
        AWS_ACCESS_KEY_ID: brokerAws.accessKeyId,
        AWS_SECRET_ACCESS_KEY: brokerAws.secretAccessKey,
        AWS_REGION: 'us-east-1',
        ...options.apiEnv,
      },
      options.onApiOutput,
    );
    stoppers.push(() => stopProcess(api));
    await waitForHttp(`http://127.0.0.1:${offlinePort}/v1/health`, 60_000, () => api.exitCode === null);
    const gate = await startApiGate({
      port: apiPort,
      upstreamPort: offlinePort,
      maxInFlight: options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT,
      // Said even when the API log is not shown: the 502/504 problem points the caller here.
      onLambdaFailure: (line) => (options.onApiOutput ?? ((text) => process.stderr.write(text)))(`${line}\n`),
    });
    stoppers.push(gate.stop);
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    return {
      apiUrl,
      dynamo,
      awsSts,
      volcengineSts,
      ssm,
      jwt: { ...jwtFiles, issuer: LOCAL_ISSUER, audience: LOCAL_AUDIENCE },
      tableName,
      digestFiles,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

function spawnOffline(env: Record<string, string>, onOutput?: (chunk: string) => void): ChildProcess {
  const child = spawn(
    process.execPath,
    ['node_modules/serverless/bin/serverless.js', 'offline', 'start', '--stage', LOCAL_STAGE],
    {
      env: { ...process.env, ...env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  const forward = (chunk: Buffer) => onOutput?.(chunk.toString('utf8'));
  child.stdout?.on('data', forward);
  child.stderr?.on('data', forward);
  return child;
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
  }, 3000);
  await exited;
  clearTimeout(timer);
}
