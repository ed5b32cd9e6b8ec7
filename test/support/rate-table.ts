/**
 * The rate limiter's adapter tests run against dynalite on a free loopback port with one
 * rate table, started before the file's tests and stopped after them.
 */
import { after, before } from 'node:test';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  ensureTable,
  type LocalDynamo,
  localDynamoClient,
  rateTableInput,
  startDynalite,
} from '../../local/dynamodb.js';

const CREDENTIALS = { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' };

export interface RateTable {
  /** A new client of the running dynalite (each simulated instance gets its own). */
  client(): DynamoDBClient;
  /** A client of a port nobody listens on: the table cannot be reached. */
  unreachableClient(): DynamoDBClient;
}

export function useRateTable(tableName: string): RateTable {
  let dynamo: LocalDynamo | undefined;
  before(async () => {
    dynamo = await startDynalite({ port: 0 });
    await ensureTable(localDynamoClient(dynamo.url, CREDENTIALS), rateTableInput(tableName));
  });
  after(async () => {
    await dynamo?.stop();
  });
  return {
    client() {
      if (!dynamo) throw new Error('dynalite is not running: use the client inside a test');
      return localDynamoClient(dynamo.url, CREDENTIALS);
    },
    unreachableClient: () => localDynamoClient('http://127.0.0.1:9', CREDENTIALS),
  };
}
