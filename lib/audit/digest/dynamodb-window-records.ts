/**
 * A window's records, read through the byDay index (partition = UTC day, sort key ts =
 * "{at}#{id}#{decision}"), one Query page after another until the window is exhausted.
 * GSI reads are eventually consistent: the sealer waits out the settle delay first.
 */
import {
  type AttributeValue,
  type DynamoDBClient,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/client-dynamodb';
import { type Budget, callWithinBudget } from '../../budget.js';
import { indexQueryInput } from '../dynamodb-reader.js';
import { fromItem } from '../dynamodb-store.js';
import { toRecordView } from '../view.js';
import type { WindowRecords } from './ports.js';
import { daysOf } from './window.js';

export interface DynamoWindowRecordsOptions {
  client: DynamoDBClient;
  tableName: string;
  timeoutMs: number;
}

const PAGE_ITEMS = 1000;
const EARLIEST_CONCURRENCY = 16;

export function makeDynamoWindowRecords({
  client,
  tableName,
  timeoutMs,
}: DynamoWindowRecordsOptions): WindowRecords {
  const query = (input: QueryCommandInput, budget: Budget) =>
    callWithinBudget(
      budget,
      { dependency: 'audit', operation: 'Query byDay', capMs: timeoutMs },
      (abortSignal) => client.send(new QueryCommand(input), { abortSignal }),
    );

  return {
    async between(span, budget) {
      const items: Record<string, string | number>[] = [];
      for (const day of daysOf(span)) {
        let startKey: Record<string, AttributeValue> | undefined;
        do {
          const input = indexQueryInput(tableName, {
            index: 'byDay',
            partitionAttribute: 'day',
            partition: day,
            range: { from: span.start, to: span.end },
            postFilters: {},
            limit: PAGE_ITEMS,
          });
          const output = await query({ ...input, ExclusiveStartKey: startKey }, budget);
          items.push(...(output.Items ?? []).map(fromItem));
          startKey = output.LastEvaluatedKey;
        } while (startKey);
      }
      return items.map(toRecordView);
    },

    async earliest(now, lookbackDays, budget) {
      const firstOf = async (day: string) => {
        const output = await query(
          {
            TableName: tableName,
            IndexName: 'byDay',
            KeyConditionExpression: '#day = :day',
            ExpressionAttributeNames: { '#day': 'day' },
            ExpressionAttributeValues: { ':day': { S: day } },
            ScanIndexForward: true,
            Limit: 1,
          },
          budget,
        );
        return output.Items?.[0]?.at?.S;
      };
      // Oldest day first, a few days at a time: one small Query per day, once per chain.
      for (let back = lookbackDays; back >= 0; back -= EARLIEST_CONCURRENCY) {
        const days = Array.from({ length: Math.min(EARLIEST_CONCURRENCY, back + 1) }, (_, n) =>
          new Date(now.getTime() - (back - n) * 86_400_000).toISOString().slice(0, 10),
        );
        const found = (await Promise.all(days.map(firstOf))).find((at) => at !== undefined);
        if (found !== undefined) return found;
      }
      return undefined;
    },
  };
}
