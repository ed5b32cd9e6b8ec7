/**
 * Digests in the audit table, under key prefixes no issuance id can take (ids are
 * [\w-], these hold '#'): partition `audit-digest#v1` with the window start as sort key,
 * and the leaf lines in pages under `audit-digest-leaves#{windowStart}`. The items have
 * none of the index attributes, so no GSI and no audit query ever returns them. Every
 * write is a PutItem with attribute_not_exists: a digest is written once, never updated.
 */
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  PutItemCommand,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/client-dynamodb';
import { type Budget, callWithinBudget } from '../../budget.js';
import { readPayload, type SealedDigest } from './digest.js';
import type { DigestHead, DigestStore } from './ports.js';

export const DIGEST_PARTITION = 'audit-digest#v1';
export const leavesPartition = (windowStart: string) => `audit-digest-leaves#${windowStart}`;
/** Leaf lines per item: ≤ 2000 × ~150 bytes stays well under DynamoDB's 400 KB item limit. */
export const LEAVES_PER_PAGE = 2000;

export interface DynamoDigestStoreOptions {
  client: DynamoDBClient;
  tableName: string;
  timeoutMs: number;
}

export function makeDynamoDigestStore({
  client,
  tableName,
  timeoutMs,
}: DynamoDigestStoreOptions): DigestStore {
  const send = <T>(budget: Budget, operation: string, call: (abortSignal: AbortSignal) => Promise<T>) =>
    callWithinBudget(
      budget,
      { dependency: 'audit', operation, capMs: timeoutMs },
      call,
      (error) => error instanceof ConditionalCheckFailedException,
    );
  const query = (input: QueryCommandInput, budget: Budget) =>
    send(budget, 'Query digests', (abortSignal) => client.send(new QueryCommand(input), { abortSignal }));
  const putOnce = async (item: Record<string, AttributeValue>, budget: Budget) => {
    try {
      await send(budget, 'PutItem digest', (abortSignal) =>
        client.send(
          new PutItemCommand({
            TableName: tableName,
            Item: item,
            ConditionExpression: 'attribute_not_exists(issuanceId)',
          }),
          { abortSignal },
        ),
      );
      return 'written' as const;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'exists' as const;
      throw error;
    }
  };

  const leavesOf = async (windowStart: string, leavesSha256: string, budget: Budget) => {
    const lines: string[] = [];
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const output = await query(
        {
          TableName: tableName,
          KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
          ExpressionAttributeNames: { '#pk': 'issuanceId', '#sk': 'record' },
          ExpressionAttributeValues: {
            ':pk': { S: leavesPartition(windowStart) },
            ':prefix': { S: `${leavesSha256}#` },
          },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        },
        budget,
      );
      for (const item of output.Items ?? []) {
        const text = item.leaves?.S;
        if (text) lines.push(...text.split('\n'));
      }
      startKey = output.LastEvaluatedKey;
    } while (startKey);
    return lines;
  };

  return {
    async latest(budget) {
      const output = await query(
        {
          TableName: tableName,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': 'issuanceId' },
          ExpressionAttributeValues: { ':pk': { S: DIGEST_PARTITION } },
          ScanIndexForward: false,
          ConsistentRead: true,
          Limit: 1,
        },
        budget,
      );
      const item = output.Items?.[0];
      return item ? headOf(item) : undefined;
    },

    async put(digest, budget) {
      const payload = readPayload(digest.payload);
      if (!payload) throw new Error('refusing to store a digest whose payload is not canonical');
      // Leaves first, under a key named by their hash: a digest that exists always has them,
      // and a crashed run's pages are either reused as they are or left unreferenced.
      for (let page = 0; page * LEAVES_PER_PAGE < digest.leaves.length; page += 1) {
        await putOnce(
          {
            issuanceId: { S: leavesPartition(payload.windowStart) },
            record: { S: `${payload.leavesSha256}#${String(page).padStart(5, '0')}` },
            leaves: {
              S: digest.leaves.slice(page * LEAVES_PER_PAGE, (page + 1) * LEAVES_PER_PAGE).join('\n'),
            },
          },
          budget,
        );
      }
      return putOnce(
        {
          issuanceId: { S: DIGEST_PARTITION },
          record: { S: payload.windowStart },
          payload: { S: digest.payload },
          signature: { S: digest.signature },
        },
        budget,
      );
    },

    async list(range, page, budget) {
      const names: Record<string, string> = { '#pk': 'issuanceId' };
      const values: Record<string, AttributeValue> = { ':pk': { S: DIGEST_PARTITION } };
      let condition = '#pk = :pk';
      // Window starts are ISO instants of one format: string order is time order.
      const from = page.after ?? range.from;
      // DynamoDB refuses unused expression names: #sk only when a bound uses it.
      if (from !== undefined || range.to !== undefined) names['#sk'] = 'record';
      if (from !== undefined && range.to !== undefined) {
        condition += ' AND #sk BETWEEN :from AND :to';
        Object.assign(values, { ':from': { S: from }, ':to': { S: range.to } });
      } else if (from !== undefined) {
        condition += ' AND #sk >= :from';
        values[':from'] = { S: from };
      } else if (range.to !== undefined) {
        condition += ' AND #sk < :to';
        values[':to'] = { S: range.to };
      }
      const digests: SealedDigest[] = [];
      let lastStart: string | undefined;
      let startKey: Record<string, AttributeValue> | undefined;
      let more = false;
      do {
        const output = await query(
          {
            TableName: tableName,
            KeyConditionExpression: condition,
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
            ConsistentRead: true,
            Limit: page.limit + 1,
            ExclusiveStartKey: startKey,
          },
          budget,
        );
        for (const item of output.Items ?? []) {
          const start = item.record?.S;
          // BETWEEN is inclusive on both ends: drop the `after` digest and a window starting at `to`.
          if (start === undefined || start === page.after || start === range.to) continue;
          if (digests.length === page.limit) {
            more = true;
            break;
          }
          const head = headOf(item);
          const payload = readPayload(head.payload);
          lastStart = start;
          digests.push({
            ...head,
            leaves: payload ? await leavesOf(payload.windowStart, payload.leavesSha256, budget) : [],
          });
        }
        startKey = more ? undefined : output.LastEvaluatedKey;
      } while (startKey);
      return { digests, ...(more && lastStart ? { after: lastStart } : {}) };
    },
  };
}

function headOf(item: Record<string, AttributeValue>): DigestHead {
  return { payload: item.payload?.S ?? '', signature: item.signature?.S ?? '' };
}
