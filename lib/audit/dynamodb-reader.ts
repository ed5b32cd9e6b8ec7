/**
 * Read side of the audit table: Query only, on the table key or one GSI, newest first
 * (ScanIndexForward false). The audit-query function's role has GetItem and Query and
 * nothing else (invariant 9), so a Scan could not even be attempted.
 */
import {
  type AttributeValue,
  type DynamoDBClient,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/client-dynamodb';
import { type Budget, callWithinBudget } from '../budget.js';
import { dependencyUnavailable } from '../errors.js';
import { fromItem } from './dynamodb-store.js';
import type { AuditReader, IndexQuery, StartKey } from './queries.js';

export interface DynamoAuditReaderOptions {
  client: DynamoDBClient;
  tableName: string;
  timeoutMs: number;
}

export function makeDynamoAuditReader({
  client,
  tableName,
  timeoutMs,
}: DynamoAuditReaderOptions): AuditReader {
  const query = (input: QueryCommandInput, budget: Budget) =>
    callWithinBudget(
      budget,
      { dependency: 'audit', operation: `Query ${input.IndexName ?? 'table'}`, capMs: timeoutMs },
      (abortSignal) => client.send(new QueryCommand(input), { abortSignal }),
    );

  return {
    async queryIndex(request, budget) {
      const output = await query(indexQueryInput(tableName, request), budget);
      return {
        items: (output.Items ?? []).map(fromItem),
        ...(output.LastEvaluatedKey ? { lastKey: toStartKey(output.LastEvaluatedKey) } : {}),
      };
    },
    async issuanceRecords(issuanceId, budget) {
      const items: Record<string, AttributeValue>[] = [];
      let startKey: Record<string, AttributeValue> | undefined;
      // An issuance has at most a few records; the loop only guards against DynamoDB's 1 MB page.
      do {
        const output = await query(
          {
            TableName: tableName,
            KeyConditionExpression: '#id = :id',
            ExpressionAttributeNames: { '#id': 'issuanceId' },
            ExpressionAttributeValues: { ':id': { S: issuanceId } },
            ExclusiveStartKey: startKey,
          },
          budget,
        );
        items.push(...(output.Items ?? []));
        startKey = output.LastEvaluatedKey;
      } while (startKey);
      return items.map(fromItem);
    },
  };
}

/** Builds the Query: partition = value, ts within [from, to), post-filters as equalities. */
export function indexQueryInput(tableName: string, request: IndexQuery): QueryCommandInput {
  const names: Record<string, string> = { '#pk': request.partitionAttribute };
  const values: Record<string, AttributeValue> = { ':pk': { S: request.partition } };
  let keyCondition = '#pk = :pk';
  const { from, to } = request.range;
  // DynamoDB refuses unused expression names: #ts only when the range bounds ts.
  if (from !== undefined || to !== undefined) names['#ts'] = 'ts';
  // ts is "{ISO at}#{id}#{decision}": every record at instant T sorts after the bare "T",
  // so ts >= from keeps records at `from` and ts < to (or BETWEEN from AND to, which
  // never equals a bare instant) drops records at `to`.
  if (from !== undefined && to !== undefined) {
    keyCondition += ' AND #ts BETWEEN :from AND :to';
    Object.assign(values, { ':from': { S: from }, ':to': { S: to } });
  } else if (from !== undefined) {
    keyCondition += ' AND #ts >= :from';
    values[':from'] = { S: from };
  } else if (to !== undefined) {
    keyCondition += ' AND #ts < :to';
    values[':to'] = { S: to };
  }
  const filters = Object.entries(request.postFilters).map(([attribute, value], n) => {
    names[`#f${n}`] = attribute;
    values[`:f${n}`] = { S: value };
    return `#f${n} = :f${n}`;
  });
  return {
    TableName: tableName,
    IndexName: request.index,
    KeyConditionExpression: keyCondition,
    ...(filters.length > 0 ? { FilterExpression: filters.join(' AND ') } : {}),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
    ScanIndexForward: false,
    Limit: request.limit,
    ...(request.startKey ? { ExclusiveStartKey: toAttributeKey(request.startKey) } : {}),
  };
}

const toAttributeKey = (key: StartKey): Record<string, AttributeValue> =>
  Object.fromEntries(Object.entries(key).map(([name, value]) => [name, { S: value }]));

/** Every key attribute of the table and its indexes is a string. */
function toStartKey(key: Record<string, AttributeValue>): StartKey {
  const start: StartKey = {};
  for (const [name, value] of Object.entries(key)) {
    if (value.S === undefined) throw dependencyUnavailable('audit', `non-string key attribute ${name}`);
    start[name] = value.S;
  }
  return start;
}
