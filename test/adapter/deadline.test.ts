/**
 * Every call finishes inside the Lambda's remaining time (invariant 15): the real HTTP
 * chain, use case, STS issuer and DynamoDB stores, pointed at a slow STS emulator and at
 * a DynamoDB that never answers, with generous per-call caps (25 s) so that only
 * context.getRemainingTimeInMillis() can bound the calls. The 503 must beat the deadline.
 */
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { after, afterEach, before, describe, it } from 'node:test';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { STSClient } from '@aws-sdk/client-sts';
import { makeHandler } from '../../functions/issue-credentials/compose.js';
import { makeDynamoAuditStore } from '../../lib/audit/dynamodb-store.js';
import { loadGrants } from '../../lib/config/grants.js';
import { makeAllowList } from '../../lib/grants/allow-list.js';
import { makeAwsIssuer } from '../../lib/providers/aws-sts.js';
import { makeDynamoRateLimiter } from '../../lib/ratelimit/dynamodb-rate-limiter.js';
import { type StsEmulator, startAwsStsEmulator } from '../../local/aws-sts-emulator/index.js';
import { loadDevIdentities } from '../../local/dev-identities.js';
import {
  auditTableInput,
  ensureTable,
  type LocalDynamo,
  localDynamoClient,
  rateTableInput,
  startDynalite,
} from '../../local/dynamodb.js';
import { BROKER_AWS_PRINCIPAL, emulatedAwsRoles } from '../../local/stack.js';
import { ignoreAuditGap, noMetrics } from '../support/fakes.js';
import { buildContext, buildEvent, iamAuthorizer } from '../support/lambda.js';
import { silentLogger } from '../support/logs.js';

const GRANTS = loadGrants('local/grants.yaml');
const IDENTITIES = loadDevIdentities('local/dev-identities.json');
const BROKER = IDENTITIES.find((i) => i.principalArn === BROKER_AWS_PRINCIPAL) ?? {
  accessKeyId: '',
  secretAccessKey: '',
};
const CALLER = 'arn:aws:sts::111111111111:assumed-role/reporting-service/reporting-worker-1';
/** Caps far above any budget here: only the remaining time may cut the calls short. */
const CAP_MS = 25_000;

let issuanceCount = 0;
let lastIssuanceId = '';
let dynamo: LocalDynamo;
let sts: StsEmulator;
let blackHole: { url: string; server: Server; sockets: Set<Socket> };

before(async () => {
  dynamo = await startDynalite({ port: 0 });
  const admin = localDynamoClient(dynamo.url, BROKER);
  await ensureTable(admin, auditTableInput('deadline-audit'));
  await ensureTable(admin, rateTableInput('deadline-rate'));
  sts = await startAwsStsEmulator({
    port: 0,
    identities: IDENTITIES,
    roles: emulatedAwsRoles(GRANTS),
  });
  // Accepts connections and never answers: a DynamoDB that hangs.
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  blackHole = {
    url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
    server,
    sockets,
  };
});
after(async () => {
  for (const socket of blackHole?.sockets ?? []) socket.destroy();
  blackHole?.server.close();
  await sts?.stop();
  await dynamo?.stop();
});
afterEach(() => {
  sts.clearFaults();
  sts.clearCalls();
});

function broker(dynamoUrl: string) {
  const dynamodb = new DynamoDBClient({
    endpoint: dynamoUrl,
    region: 'us-east-1',
    credentials: BROKER,
    maxAttempts: 2,
  });
  const stsClient = new STSClient({
    endpoint: sts.url,
    region: 'us-east-1',
    credentials: BROKER,
    maxAttempts: 3,
  });
  return makeHandler(
    {
      allowList: makeAllowList(GRANTS),
      audit: makeDynamoAuditStore({ client: dynamodb, tableName: 'deadline-audit', timeoutMs: CAP_MS }),
      issuers: { aws: makeAwsIssuer({ client: stsClient, timeoutMs: CAP_MS }) },
      rateLimiter: makeDynamoRateLimiter({
        client: dynamodb,
        tableName: 'deadline-rate',
        timeoutMs: CAP_MS,
      }),
      rateLimits: { requestsPerMinute: 1_000, issuancesPerMinute: 1_000 },
      newIssuanceId: () => {
        issuanceCount += 1;
        lastIssuanceId = `01DEADLINE${String(issuanceCount).padStart(16, '0')}`;
        return lastIssuanceId;
      },
      clock: () => new Date(),
      roleChaining: true,
      metrics: noMetrics,
      onAuditGap: ignoreAuditGap,
    },
    { logger: silentLogger(), maxBodyBytes: 65_536 },
  );
}

async function timedIssue(dynamoUrl: string, remainingMs: number) {
  const handler = broker(dynamoUrl);
  const event = buildEvent({ body: { grant: 'reports-reader' }, authorizer: iamAuthorizer(CALLER) });
  const started = Date.now();
  const response = await handler(event, buildContext(remainingMs));
  return { response, ms: Date.now() - started };
}

async function decisionsOf(issuanceId: string): Promise<string[]> {
  const scan = await localDynamoClient(dynamo.url, BROKER).send(
    new ScanCommand({ TableName: 'deadline-audit' }),
  );
  return (scan.Items ?? [])
    .filter((item) => item.issuanceId?.S === issuanceId)
    .map((item) => item.decision?.S ?? '')
    .sort();
}

const assumeRoleCalls = () => sts.calls.filter((c) => c.action === 'AssumeRole').length;

describe('deadlines from context.getRemainingTimeInMillis()', () => {
  it('issues normally when nothing is slow (the setup works)', async () => {
    // Act
    const { response } = await timedIssue(dynamo.url, 1_500);
    // Assess
    assert.equal(response.statusCode, 201, response.body);
  });

  for (const remainingMs of [1_500, 3_000]) {
    it(`answers 503 before a ${remainingMs} ms deadline when STS hangs`, async () => {
      // Prepare
      sts.injectFault({ kind: 'latency', ms: 20_000, action: 'AssumeRole' });
      // Act
      const { response, ms } = await timedIssue(dynamo.url, remainingMs);
      // Assess
      assert.equal(response.statusCode, 503, response.body);
      assert.ok(response.headers?.['Retry-After']);
      assert.ok(ms < remainingMs, `answered after ${ms} ms, past the ${remainingMs} ms deadline`);
      assert.ok(
        ms > remainingMs / 2,
        `gave up after ${ms} ms: the budget, not a fixed cap, should bound STS`,
      );
      // STS got the call and never answered: a session may exist, so the outcome is UNKNOWN.
      assert.deepEqual(await decisionsOf(lastIssuanceId), ['INTENT', 'UNKNOWN']);
    });
  }

  it('answers 503 before the deadline, with no STS call, when DynamoDB hangs', async () => {
    // Act
    const { response, ms } = await timedIssue(blackHole.url, 1_500);
    // Assess
    assert.equal(response.statusCode, 503, response.body);
    assert.ok(ms < 1_500, `answered after ${ms} ms`);
    assert.equal(assumeRoleCalls(), 0);
  });
});
