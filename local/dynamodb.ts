/**
 * Embedded DynamoDB (dynalite) for the local stack and tests, and the audit table created
 * from config/audit-table.json: the same definition CloudFormation deploys. PITR,
 * deletion protection and SSE are account-side settings dynalite does not model.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { Level } from 'level';
import { listenOnLoopback } from './ports.js';

export interface LocalDynamo {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** Another process (or another dynalite in this one) holds the database in `dataDir`. */
export class DataFolderInUseError extends Error {
  constructor(readonly dataDir: string) {
    super(
      `Another local stack is using ${dataDir} (is \`npm start\` already running in this folder?). Stop it first (Ctrl-C where it runs), or start this one from another folder.`,
    );
    this.name = 'DataFolderInUseError';
  }
}

/**
 * Throws DataFolderInUseError when the LevelDB database in `dataDir` is held. dynalite would
 * open it regardless, swallow the failed open and then crash its process on the first
 * request ("Database is closed"); LevelDB's own lock (released by the OS when its holder
 * dies, so never stale) says first. dynalite opens the database on the next tick after
 * this check: another start would have to open it within that instant.
 */
export async function assertDataFolderFree(dataDir: string): Promise<void> {
  const database = new Level(dataDir);
  try {
    await database.open();
  } catch (error) {
    const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
    if (cause?.code === 'LEVEL_LOCKED') throw new DataFolderInUseError(dataDir);
    throw error;
  }
  await database.close();
}

export async function startDynalite(options: { port: number; dataDir?: string }): Promise<LocalDynamo> {
  if (options.dataDir) {
    mkdirSync(options.dataDir, { recursive: true });
    await assertDataFolderFree(options.dataDir);
  }
  const server: Server = dynalite({
    path: options.dataDir,
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  const port = await listenOnLoopback(server, options.port);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    stop: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        // SDK clients keep sockets alive: close them, or close() waits for them forever.
        server.closeAllConnections();
      }),
  };
}

interface CfnTable {
  AttributeDefinitions: CreateTableCommandInput['AttributeDefinitions'];
  KeySchema: CreateTableCommandInput['KeySchema'];
  GlobalSecondaryIndexes: CreateTableCommandInput['GlobalSecondaryIndexes'];
  BillingMode: CreateTableCommandInput['BillingMode'];
}

export function auditTableInput(
  tableName: string,
  file = 'config/audit-table.json',
): CreateTableCommandInput {
  const table = JSON.parse(readFileSync(file, 'utf8')) as CfnTable;
  return {
    TableName: tableName,
    AttributeDefinitions: table.AttributeDefinitions,
    KeySchema: table.KeySchema,
    GlobalSecondaryIndexes: table.GlobalSecondaryIndexes,
    BillingMode: table.BillingMode,
  };
}

/**
 * The rate-limit table from config/rate-table.json. Its TTL (TimeToLiveSpecification) is
 * CloudFormation's business only: dynalite has no TTL (a local table keeps one
 * small item per caller, grant and minute; `npm start -- --fresh` clears it).
 */
export function rateTableInput(tableName: string, file = 'config/rate-table.json'): CreateTableCommandInput {
  const table = JSON.parse(readFileSync(file, 'utf8')) as Omit<CfnTable, 'GlobalSecondaryIndexes'>;
  return {
    TableName: tableName,
    AttributeDefinitions: table.AttributeDefinitions,
    KeySchema: table.KeySchema,
    BillingMode: table.BillingMode,
  };
}

/** Creates the table unless it exists (a restart keeps the audit trail). */
export async function ensureTable(
  client: DynamoDBClient,
  input: CreateTableCommandInput,
): Promise<'created' | 'existing'> {
  try {
    await client.send(new DescribeTableCommand({ TableName: input.TableName }));
    return 'existing';
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  await client.send(new CreateTableCommand(input));
  // CreateTable answers while the table is still CREATING: writes before ACTIVE fail.
  await waitUntilTableExists(
    { client, maxWaitTime: 30, minDelay: 1, maxDelay: 1 },
    { TableName: input.TableName },
  );
  return 'created';
}

export const localDynamoClient = (
  url: string,
  credentials: { accessKeyId: string; secretAccessKey: string },
) => new DynamoDBClient({ endpoint: url, region: 'us-east-1', credentials, maxAttempts: 1 });
