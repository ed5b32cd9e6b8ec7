/**
 * Append-only audit store on DynamoDB. Every write is a PutItem conditioned on
 * attribute_not_exists, so a record can be added but never replaced (invariant 9);
 * the broker's IAM role has no UpdateItem or DeleteItem on the table at all.
 */
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { ANSWER_RESERVE_MS, type Budget, callTimeoutMs, RESERVE_MS, withTimeout } from '../budget.js';
import { BrokerError, dependencyUnavailable } from '../errors.js';
import type { AuditStore } from '../issuance/ports.js';
import { indexKeys } from './record.js';

export interface DynamoAuditStoreOptions {
  client: DynamoDBClient;
  tableName: string;
  timeoutMs: number;
}

export function makeDynamoAuditStore({ client, tableName, timeoutMs }: DynamoAuditStoreOptions): AuditStore {
  const send = async <T>(
    budget: Budget,
    operation: string,
    call: (signal: AbortSignal) => Promise<T>,
    reserveMs = RESERVE_MS,
  ) => {
    const callMs = callTimeoutMs(budget, timeoutMs, 'audit', reserveMs);
    try {
      return await withTimeout(callMs, call);
    } catch (error) {
      if (error instanceof BrokerError) throw error;
      if (error instanceof ConditionalCheckFailedException) {
        throw dependencyUnavailable('audit', `${operation}: record already exists`, error);
      }
      throw dependencyUnavailable('audit', `${operation}: ${errorName(error)}`, error);
    }
  };

  return {
    append: (record, budget) =>
      send(
        budget,
        `PutItem ${record.decision}`,
        (abortSignal) =>
          client.send(
            new PutItemCommand({
              TableName: tableName,
              Item: toItem({ ...record, ...indexKeys(record) }),
              ConditionExpression: 'attribute_not_exists(issuanceId)',
            }),
            { abortSignal },
          ),
        // An outcome record is what the reserve was kept for: after a slow STS call it may
        // use it, or the FAILED/ISSUED record would never be written when STS ate the budget.
        record.decision === 'INTENT' ? RESERVE_MS : ANSWER_RESERVE_MS,
      ).then(() => undefined),
    probe: (budget) =>
      send(budget, 'GetItem', (abortSignal) =>
        client.send(
          new GetItemCommand({
            TableName: tableName,
            Key: { issuanceId: { S: '__health__' }, record: { S: 'PROBE' } },
          }),
          { abortSignal },
        ),
      ).then(() => undefined),
  };
}

const errorName = (error: unknown) => (error instanceof Error ? error.name : 'unknown error');

/** Records are flat strings and numbers; undefined fields are simply absent. */
export function toItem(record: Record<string, string | number | undefined>): Record<string, AttributeValue> {
  const item: Record<string, AttributeValue> = {};
  for (const [key, value] of Object.entries(record)) {
    if (typeof value === 'string') item[key] = { S: value };
    else if (typeof value === 'number') item[key] = { N: String(value) };
  }
  return item;
}

export function fromItem(item: Record<string, AttributeValue>): Record<string, string | number> {
  const record: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(item)) {
    if (value.S !== undefined) record[key] = value.S;
    else if (value.N !== undefined) record[key] = Number(value.N);
  }
  return record;
}
