/**
 * The embedded local stack: dynalite, the AWS and Volcengine STS emulators, the local OIDC
 * issuer and the API under serverless-offline (stage `local`), all on 127.0.0.1. Used by
 * `npm start` and by the integration tests (on free ports, in-memory DynamoDB).
 */
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
import { type OfflineServer, startOffline } from './offline.js';
import { claimPort, startOnPort } from './ports.js';
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
  /**
   * Picks the loopback port serverless-offline's HTTP server, or its Lambda server when the
   * Lambda port is 0, will bind (default: a free one). A seam for tests, which hand it a
   * taken port to provoke the race the stack retries.
   */
  chooseOfflinePort?: (server: OfflineServer) => Promise<number>;
  /** Extra environment for the API (tests tune timeouts with it). */
  apiEnv?: Record<string, string>;
  onApiOutput?: (chunk: string) => void;
  /** Stops a start under way: what it started is stopped, and the start throws the reason. */
  signal?: AbortSignal;
}

export interface LocalStack {
  apiUrl: string;
  /** serverless-offline's Lambda invoke endpoint (`aws lambda invoke --endpoint-url`). */
  lambdaUrl: string;
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
  const stoppers: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const stopOne of stoppers.reverse()) await stopOne().catch(() => undefined);
  };
  try {
    // Every server in this process binds its port itself (0 → any free one) and reports it:
    // nothing is chosen first and bound later, so nothing can be taken in between.
    // dynalite first: a data folder another stack holds is the first thing to say.
    const dynamo = await startOnPort(options.ports.dynamodb, 'BROKER_DYNAMODB_PORT', (port) =>
      startDynalite({ port, dataDir: options.persistDynamo ? join(options.dataDir, 'dynamodb') : undefined }),
    );
    stoppers.push(dynamo.stop);
    const gate = await startOnPort(options.ports.api, 'BROKER_PORT', (port) =>
      startApiGate({
        port,
        maxInFlight: options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT,
        // Said even when the API log is not shown: the 502/504 problem points the caller here.
        onLambdaFailure: (line) =>
          (options.onApiOutput ?? ((text) => process.stderr.write(text)))(`${line}\n`),
      }),
    );
    stoppers.push(gate.stop);
    const tableName = LOCAL_AUDIT_TABLE;
    await ensureTable(localDynamoClient(dynamo.url, brokerAws), auditTableInput(tableName));
    await ensureTable(localDynamoClient(dynamo.url, brokerAws), rateTableInput(LOCAL_RATE_TABLE));

    // The emulated target roles are the roles the grants name, each trusting the broker.
    const awsSts = await startOnPort(options.ports.awsSts, 'BROKER_STS_PORT', (port) =>
      startAwsStsEmulator({ port, identities, roles: emulatedAwsRoles(grants) }),
    );
    stoppers.push(awsSts.stop);
    const volcengineSts = await startOnPort(
      options.ports.volcengineSts,
      'BROKER_VOLCENGINE_STS_PORT',
      (port) =>
        startVolcengineStsEmulator({
          port,
          identities,
          roles: grants.grants.flatMap((g) =>
            g.provider === 'volcengine'
              ? [{ trn: g.roleTrn, trustedPrincipals: [BROKER_VOLCENGINE_PRINCIPAL] }]
              : [],
          ),
        }),
    );
    stoppers.push(volcengineSts.stop);
    // The functions read their secrets by name through the same adapter as in AWS; only the
    // broker's own identity may read them, as its IAM role alone would be allowed to.
    const ssm = await startOnPort(options.ports.ssm, 'BROKER_SSM_PORT', (port) =>
      startSsmEmulator({
        port,
        identities: [brokerAws],
        parameters: {
          [LOCAL_SECRET_NAMES.cursorKey]: LOCAL_CURSOR_KEY,
          [LOCAL_SECRET_NAMES.volcengineAccessKeyId]: brokerVolcengine.accessKeyId,
          [LOCAL_SECRET_NAMES.volcengineSecretAccessKey]: brokerVolcengine.secretAccessKey,
        },
      }),
    );
    stoppers.push(ssm.stop);
    const jwtFiles = await ensureLocalIssuer(join(options.dataDir, 'jwt'));
    const digestFiles = {
      keyFile: join(options.dataDir, 'audit-digest', 'signing-key.pem'),
      evidenceDir: join(options.dataDir, 'audit-evidence'),
    };

    // serverless-offline listens behind the gate on a loopback port of its own (and on a
    // Lambda port, chosen too when 0), chosen before it starts (./offline.ts retries a start
    // that lost one to another process).
    const offline = await startOffline({
      stage: LOCAL_STAGE,
      lambdaPort: options.ports.lambda,
      choosePort: options.chooseOfflinePort ?? (() => claimPort(0, 'BROKER_PORT')),
      env: {
        BROKER_PORT: String(gate.port),
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
      onOutput: options.onApiOutput,
      signal: options.signal,
    });
    stoppers.push(offline.stop);
    gate.connect(offline.httpPort);
    const apiUrl = `http://127.0.0.1:${gate.port}`;
    return {
      apiUrl,
      lambdaUrl: `http://127.0.0.1:${offline.lambdaPort}`,
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
