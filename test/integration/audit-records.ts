/**
 * Reads the local stack's audit table straight from dynalite (never through the fault
 * proxy), so a test sees exactly the records that committed.
 */
import { type AttributeValue, ScanCommand } from '@aws-sdk/client-dynamodb';
import { fromItem } from '../../lib/audit/dynamodb-store.js';
import { localDynamoClient } from '../../local/dynamodb.js';
import type { LocalStack } from '../../local/stack.js';
import { devIdentity } from './stack-fixture.js';

export type StoredRecord = Record<string, string | number>;

/** Every record of the table, and the raw items as text for secret searches. */
export async function scanAudit(stack: LocalStack): Promise<{ records: StoredRecord[]; text: string }> {
  const client = localDynamoClient(stack.dynamo.url, devIdentity('credential-broker-local'));
  const items: Record<string, AttributeValue>[] = [];
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({ TableName: stack.tableName, ExclusiveStartKey: startKey }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return { records: items.map(fromItem), text: JSON.stringify(items) };
}

export async function recordsOfRequest(stack: LocalStack, requestId: string): Promise<StoredRecord[]> {
  const { records } = await scanAudit(stack);
  return records.filter((record) => record.requestId === requestId);
}

export const decisionsOf = (records: StoredRecord[]) => records.map((r) => String(r.decision)).sort();
