/**
 * The local stack's DynamoDB: the audit table is created from config/audit-table.json (the
 * definition CloudFormation deploys) with every GSI, kept across restarts, and a port
 * already in use is reported with the variable that moves it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DescribeTableCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { auditTableInput, ensureTable, localDynamoClient, startDynalite } from '../../local/dynamodb.js';
import { claimPort, PortInUseError } from '../../local/ports.js';

const credentials = {
  accessKeyId: 'AKIALOCALTEST0000001',
  secretAccessKey: 'local-test-secret-000000000000',
};

describe('local DynamoDB', () => {
  it('creates the audit table with its key schema and six GSIs, once', async () => {
    // Prepare
    const dynamo = await startDynalite({ port: 0 });
    const client = localDynamoClient(dynamo.url, credentials);
    try {
      // Act
      const first = await ensureTable(client, auditTableInput('audit-test'));
      const second = await ensureTable(client, auditTableInput('audit-test'));
      const { Table } = await client.send(new DescribeTableCommand({ TableName: 'audit-test' }));
      // Assess
      assert.deepEqual([first, second], ['created', 'existing']);
      assert.deepEqual(
        Table?.KeySchema?.map((k) => k.AttributeName),
        ['issuanceId', 'record'],
      );
      assert.deepEqual(Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName).sort(), [
        'byAccessKey',
        'byCaller',
        'byDay',
        'byDecision',
        'byGrant',
        'byRole',
      ]);
    } finally {
      await dynamo.stop();
    }
  });

  it('keeps records across a restart when given a data folder', async () => {
    // Prepare
    const dataDir = mkdtempSync(join(tmpdir(), 'dynalite-'));
    const item = { issuanceId: { S: '01TEST' }, record: { S: 'INTENT' } };
    const before = await startDynalite({ port: 0, dataDir });
    try {
      await ensureTable(localDynamoClient(before.url, credentials), auditTableInput('audit-test'));
      await localDynamoClient(before.url, credentials).send(
        new PutItemCommand({ TableName: 'audit-test', Item: item }),
      );
    } finally {
      await before.stop();
    }
    // Act
    const after = await startDynalite({ port: 0, dataDir });
    try {
      const read = await localDynamoClient(after.url, credentials).send(
        new GetItemCommand({ TableName: 'audit-test', Key: item }),
      );
      // Assess
      assert.equal(read.Item?.issuanceId?.S, '01TEST');
    } finally {
      await after.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('reports a port in use with the variable that moves it', async () => {
    // Prepare
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const address = holder.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      // Act / Assess
      await assert.rejects(
        claimPort(port, 'BROKER_DYNAMODB_PORT'),
        (error: unknown) =>
          error instanceof PortInUseError && /BROKER_DYNAMODB_PORT=<port>/.test(error.message),
      );
    } finally {
      holder.close();
    }
  });
});
