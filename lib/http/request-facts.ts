/**
 * What the transport knows about a request besides its caller and input: the ids and
 * client details the audit record keeps, and the time left to answer (invariant 15).
 * Built from `event.requestContext` and the Lambda context only, never from headers.
 */
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { type Budget, budgetFromDeadline } from '../budget.js';

export interface RequestFacts {
  requestId: string;
  sourceIp?: string;
  userAgent?: string;
  budget: Budget;
}

export const requestIdOf = (event: APIGatewayProxyEventV2, context: Context) =>
  context.awsRequestId ?? event.requestContext?.requestId ?? 'unknown';

/** `startedMs` is when the request arrived on the `now` clock the budget counts with. */
export function requestFacts(
  event: APIGatewayProxyEventV2,
  context: Context,
  startedMs: number,
  now: () => number,
): RequestFacts {
  return {
    requestId: requestIdOf(event, context),
    sourceIp: event.requestContext?.http?.sourceIp,
    userAgent: event.requestContext?.http?.userAgent,
    budget: budgetFromDeadline(startedMs + context.getRemainingTimeInMillis(), now),
  };
}
