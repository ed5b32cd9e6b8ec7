/**
 * The session policy document when the ceiling's Denies travel with a request: the request
 * as the caller wrote it, followed by the ceiling's Deny statements that may overlap it.
 */
import { isJsonObject } from './policy-fields.js';
import type { Policy, Statement } from './types.js';

/**
 * Minified JSON of `requestDocument` with the ceiling statements `denyIndexes` appended.
 * Their Sid is dropped: IAM wants each Sid unique within a policy, and a Sid means nothing
 * to the evaluation. Action, Resource and Condition are copied as the ceiling states them.
 */
export function withCeilingDenies(
  requestDocument: unknown,
  ceiling: Policy,
  denyIndexes: readonly number[],
): string {
  if (!isJsonObject(requestDocument)) throw new TypeError('a parsed request policy is a JSON object');
  const own = Array.isArray(requestDocument.Statement)
    ? requestDocument.Statement
    : [requestDocument.Statement];
  const denies = denyIndexes.map((index) => {
    const statement = ceiling.statements[index];
    if (statement?.effect !== 'Deny') throw new RangeError(`ceiling statement ${index} is not a Deny`);
    return denyDocument(statement);
  });
  return JSON.stringify({ ...requestDocument, Statement: [...own, ...denies] });
}

function denyDocument(statement: Statement): Record<string, unknown> {
  const document: Record<string, unknown> = {
    Effect: 'Deny',
    Action: statement.actions,
    Resource: statement.resources,
  };
  if (statement.condition !== undefined) document.Condition = statement.condition;
  return document;
}
