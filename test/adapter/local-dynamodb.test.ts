/**
 * The local stack's DynamoDB: the audit table is created from config/audit-table.json (the
 * definition CloudFormation deploys) with every GSI, kept across restarts, and a port
 * already in use is reported with the variable that moves it, a data folder in use by another
 * dynalite with what to do.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DescribeTableCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  auditTableInput,
  DataFolderInUseError,
  ensureTable,
  localDynamoClient,
  startDynalite,
} from '../../local/dynamodb.js';
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

  // Without the check the second start's first request crashes its dynalite and never gets an answer.
  it('refuses a data folder another dynalite holds, and the holder keeps serving', {
    timeout: 30_000,
  }, async () => {
    // Prepare: a first dynalite owns the folder and has data in it.
    const dataDir = mkdtempSync(join(tmpdir(), 'dynalite-'));
    const item = { issuanceId: { S: '01HELD' }, record: { S: 'INTENT' } };
    const holder = await startDynalite({ port: 0, dataDir });
    try {
      const client = localDynamoClient(holder.url, credentials);
      await ensureTable(client, auditTableInput('audit-test'));
      await client.send(new PutItemCommand({ TableName: 'audit-test', Item: item }));
      // Act
      const second = startDynalite({ port: 0, dataDir }).then(async (started) => {
        await ensureTable(localDynamoClient(started.url, credentials), auditTableInput('audit-test'));
        await started.stop();
        return started;
      });
      // Assess
      await assert.rejects(second, (error: unknown) => {
        assert.ok(error instanceof DataFolderInUseError, String(error));
        assert.equal(
          error.message,
          `Another local stack is using ${dataDir} (is \`npm start\` already running in this folder?). Stop it first (Ctrl-C where it runs), or start this one from another folder.`,
        );
        return true;
      });
      const read = await client.send(new GetItemCommand({ TableName: 'audit-test', Key: item }));
      assert.equal(read.Item?.issuanceId?.S, '01HELD');
    } finally {
      await holder.stop();
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
