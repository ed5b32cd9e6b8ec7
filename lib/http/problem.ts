/**
 * RFC 9457 problem details, with the type and title of the code in the error catalogue.
 * Client errors carry their message and field paths; server errors carry a generic
 * sentence: their detail goes to the log only.
 */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { BrokerError, internalError } from '../errors.js';

export const SECURITY_HEADERS = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
} as const;

export function toBrokerError(error: unknown): BrokerError {
  return error instanceof BrokerError ? error : internalError(error);
}

export function problemResponse(error: BrokerError, requestId: string): APIGatewayProxyStructuredResultV2 {
  const body = {
    type: error.type,
    title: error.title,
    status: error.status,
    detail: error.expose ? error.message : 'The broker could not complete the request; retry later.',
    code: error.code,
    requestId,
    ...(error.expose && error.fields ? { errors: error.fields } : {}),
  };
  return {
    statusCode: error.status,
    headers: {
      'Content-Type': 'application/problem+json',
      ...SECURITY_HEADERS,
      ...(error.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(error.retryAfterSeconds) }),
    },
    body: JSON.stringify(body),
  };
}
