/**
 * Append-only audit (invariant 9), as one contract run against the real DynamoDB store
 * (dynalite on a free port, the table from config/audit-table.json) and against the fake
 * the use-case tests rely on: a record is added once and can never be replaced, so the
 * fake must refuse what the real store refuses, or the use-case tests prove nothing.
 */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { createServer, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { type DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { fromItem, makeDynamoAuditStore } from '../../lib/audit/dynamodb-store.js';
import type { AuditRecord } from '../../lib/audit/record.js';
import { ANSWER_RESERVE_MS, RESERVE_MS } from '../../lib/budget.js';
import { BrokerError } from '../../lib/errors.js';
import type { AuditStore } from '../../lib/issuance/ports.js';
import {
  auditTableInput,
  ensureTable,
  type LocalDynamo,
  localDynamoClient,
  startDynalite,
} from '../../local/dynamodb.js';
import { ampleBudget } from '../support/budget.js';
import { FakeAuditStore } from '../support/fakes.js';

const TABLE = 'audit-store-test';

const intent = (issuanceId: string, overrides: Partial<AuditRecord> = {}): AuditRecord => ({
  issuanceId,
  decision: 'INTENT',
  at: '2025-03-10T00:00:00.000Z',
  callerKey: 'aws:111111111111:role/reporting-service',
  callerPrincipal: 'arn:aws:sts::111111111111:assumed-role/reporting-service/w1',
  callerKind: 'aws',
  grantId: 'reports-reader',
  roleArn: 'arn:aws:iam::222222222222:role/reports-read',
  durationSeconds: 900,
  ...overrides,
});

interface Subject {
  store: AuditStore;
  /** What the store holds under (issuanceId, decision), or undefined. */
  read(issuanceId: string, decision: AuditRecord['decision']): Promise<Partial<AuditRecord> | undefined>;
}

async function refusal(promise: Promise<unknown>): Promise<BrokerError> {
  const error = await promise.then(
    () => assert.fail('expected the append to be refused'),
    (caught: unknown) => caught,
  );
  assert.ok(error instanceof BrokerError, `expected a BrokerError, got ${String(error)}`);
  return error;
}

function appendOnlyContract(name: string, subject: () => Subject) {
  describe(`append-only audit store: ${name}`, () => {
    it('refuses to append the same record twice, with a 503, and keeps the first', async () => {
      // Prepare
      const { store, read } = subject();
      const record = intent(`${name}-SAME-0001`);
      await store.append(record, ampleBudget());
      // Act
      const error = await refusal(store.append(record, ampleBudget()));
      // Assess
      assert.equal(error.status, 503);
      assert.equal(error.code, 'dependency_unavailable');
      assert.equal(error.internalReason, 'audit: PutItem INTENT: record already exists');
      assert.equal((await read(record.issuanceId, 'INTENT'))?.durationSeconds, 900);
    });

    it('never replaces a committed record with an altered one under the same key', async () => {
      // Prepare
      const { store, read } = subject();
      const original = intent(`${name}-EDIT-0001`);
      await store.append(original, ampleBudget());
      // Act: an attempt to rewrite history (another role, a longer session)
      const forged = intent(original.issuanceId, {
        roleArn: 'arn:aws:iam::222222222222:role/admin',
        durationSeconds: 43_200,
      });
      const error = await refusal(store.append(forged, ampleBudget()));
      // Assess
      assert.equal(error.status, 503);
      const kept = await read(original.issuanceId, 'INTENT');
      assert.equal(kept?.roleArn, original.roleArn);
      assert.equal(kept?.durationSeconds, 900);
    });

    it('adds the outcome of an issuance beside its intent (one record per decision)', async () => {
      // Prepare
      const { store, read } = subject();
      const id = `${name}-PAIR-0001`;
      await store.append(intent(id), ampleBudget());
      // Act
      await store.append(
        intent(id, { decision: 'ISSUED', accessKeyId: 'ASIAAPPENDONLY000001' }),
        ampleBudget(),
      );
      // Assess
      assert.equal((await read(id, 'INTENT'))?.decision, 'INTENT');
      assert.equal((await read(id, 'ISSUED'))?.accessKeyId, 'ASIAAPPENDONLY000001');
    });
  });
}

let dynamo: LocalDynamo | undefined;
let dynamoSubject: Subject | undefined;
let client: DynamoDBClient | undefined;

before(async () => {
  dynamo = await startDynalite({ port: 0 });
  const local = localDynamoClient(dynamo.url, { accessKeyId: 'AKIATEST', secretAccessKey: 'test-secret' });
  client = local;
  await ensureTable(local, auditTableInput(TABLE));
  dynamoSubject = {
    store: makeDynamoAuditStore({ client: local, tableName: TABLE, timeoutMs: 5_000 }),
    read: async (issuanceId, decision) => {
      const { Item } = await local.send(
        new GetItemCommand({
          TableName: TABLE,
          Key: { issuanceId: { S: issuanceId }, record: { S: decision } },
          ConsistentRead: true,
        }),
      );
      return Item ? fromItem(Item) : undefined;
    },
  };
});
after(async () => {
  await dynamo?.stop();
});

appendOnlyContract('DynamoDB store on dynalite', () => {
  if (!dynamoSubject) throw new Error('dynalite did not start');
  return dynamoSubject;
});

appendOnlyContract('FakeAuditStore', () => {
  const fake = new FakeAuditStore();
  return {
    store: fake,
    read: async (issuanceId, decision) =>
      fake.records.find((r) => r.issuanceId === issuanceId && r.decision === decision),
  };
});

describe('DynamoDB audit store: failures and time budget', () => {
  const dynamoClient = () => {
    if (!client) throw new Error('dynalite did not start');
    return client;
  };

  it('names any other failure of the write, not "already exists"', async () => {
    // Prepare: a table that does not exist
    const store = makeDynamoAuditStore({
      client: dynamoClient(),
      tableName: 'no-such-table',
      timeoutMs: 5_000,
    });
    // Act
    const error = await refusal(store.append(intent('MISSING-TABLE-0001'), ampleBudget()));
    // Assess
    assert.equal(error.status, 503);
    assert.equal(error.internalReason, 'audit: PutItem INTENT: ResourceNotFoundException');
  });

  it('keeps the larger reserve for an INTENT and lets the outcome record use it', async () => {
    // Prepare: exactly the intent's reserve is left, more than the outcome's
    const store = makeDynamoAuditStore({ client: dynamoClient(), tableName: TABLE, timeoutMs: 5_000 });
    const budget = ampleBudget(RESERVE_MS);
    const id = 'RESERVE-0001';
    // Act
    const intentError = await refusal(store.append(intent(id), budget));
    const outcome = await store
      .append(intent(id, { decision: 'ISSUED', accessKeyId: 'ASIARESERVE000000001' }), budget)
      .then(
        () => 'committed',
        (error: unknown) => (error instanceof BrokerError ? error.internalReason : String(error)),
      );
    // Assess: the intent never reached DynamoDB; the outcome was at least tried (under a heavy
    // load its short timeout may abort it, which is not what this test is about)
    assert.equal(intentError.internalReason, 'audit: no time left in the request budget');
    assert.equal(await dynamoSubject?.read(id, 'INTENT'), undefined);
    assert.ok(ANSWER_RESERVE_MS < RESERVE_MS);
    assert.notEqual(outcome, 'audit: no time left in the request budget');
  });

  it('aborts a write that hangs once its timeout is spent', async () => {
    // Prepare: an endpoint that accepts connections and never answers
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    const hanging = localDynamoClient(`http://127.0.0.1:${port}`, {
      accessKeyId: 'AKIATEST',
      secretAccessKey: 'test-secret',
    });
    const store = makeDynamoAuditStore({ client: hanging, tableName: TABLE, timeoutMs: 300 });
    let watchdog: NodeJS.Timeout | undefined;
    try {
      // Act: without the abort the write would wait for ever; the watchdog ends the test then
      const error = await Promise.race([
        refusal(store.append(intent('HANGING-0001'), ampleBudget())),
        new Promise<never>((_, reject) => {
          watchdog = setTimeout(() => reject(new Error('the write was not aborted')), 15_000);
        }),
      ]);
      // Assess
      assert.equal(error.status, 503);
      assert.match(error.internalReason ?? '', /^audit: PutItem INTENT: (AbortError|TimeoutError)$/);
    } finally {
      clearTimeout(watchdog);
      for (const socket of sockets) socket.destroy();
      hanging.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
