/**
 * RFC 9457 problem details. Client errors carry their message and field paths; server
 * errors carry a generic sentence: their detail goes to the log only.
 */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { BrokerError } from '../errors.js';

export const PROBLEM_TYPE_BASE = 'https://github.com/credential-broker/problems/';

export const SECURITY_HEADERS = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
} as const;

const TITLES: Record<number, string> = {
  400: 'Invalid request',
  401: 'Unauthenticated',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  413: 'Payload too large',
  415: 'Unsupported media type',
  429: 'Too many requests',
  500: 'Internal error',
  503: 'Service unavailable',
};

export function toBrokerError(error: unknown): BrokerError {
  return error instanceof BrokerError
    ? error
    : new BrokerError(500, 'internal_error', 'Internal error.', { cause: error, expose: false });
}

export function problemResponse(error: BrokerError, requestId: string): APIGatewayProxyStructuredResultV2 {
  const body = {
    type: `${PROBLEM_TYPE_BASE}${error.code}`,
    title: TITLES[error.status] ?? 'Error',
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
