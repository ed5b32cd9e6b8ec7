/**
 * Builders for what API Gateway (HTTP API, payload 2.0) and Lambda hand the handler.
 * The authorizer block is the only place a caller identity may come from (invariant 1).
 */
import type { APIGatewayEventRequestContextV2, APIGatewayProxyEventV2, Context } from 'aws-lambda';

export const CALLER_ROLE_ARN = 'arn:aws:iam::111111111111:role/reporting-service';
export const CALLER_ASSUMED_ROLE_ARN = 'arn:aws:sts::111111111111:assumed-role/reporting-service/i-0abc123';

export const iamAuthorizer = (userArn: string = CALLER_ASSUMED_ROLE_ARN) => ({ iam: { userArn } });
export const jwtAuthorizer = (iss: string, sub: string) => ({ jwt: { claims: { iss, sub }, scopes: [] } });

export interface EventOptions {
  /** A value is JSON-encoded; a string is sent as is. */
  body?: unknown;
  rawBody?: string;
  isBase64Encoded?: boolean;
  headers?: Record<string, string>;
  queryStringParameters?: Record<string, string>;
  /** `null` builds an event with no authorizer at all. */
  authorizer?: unknown;
  requestId?: string;
  method?: string;
  path?: string;
}

export function buildEvent(options: EventOptions = {}): APIGatewayProxyEventV2 {
  const method = options.method ?? 'POST';
  const path = options.path ?? '/v1/credentials';
  const requestContext: APIGatewayEventRequestContextV2 & { authorizer?: unknown } = {
    accountId: '999999999999',
    apiId: 'api1234567',
    domainName: 'api1234567.execute-api.us-east-1.amazonaws.com',
    domainPrefix: 'api1234567',
    http: { method, path, protocol: 'HTTP/1.1', sourceIp: '198.51.100.7', userAgent: 'test-client/1.0' },
    requestId: options.requestId ?? 'req-0001',
    routeKey: `${method} ${path}`,
    stage: '$default',
    time: '01/Jan/2025:00:00:00 +0000',
    timeEpoch: 1_735_689_600_000,
    ...(options.authorizer === null ? {} : { authorizer: options.authorizer ?? iamAuthorizer() }),
  };
  const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  return {
    version: '2.0',
    routeKey: `${method} ${path}`,
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json', ...options.headers },
    queryStringParameters: options.queryStringParameters,
    requestContext,
    body,
    isBase64Encoded: options.isBase64Encoded ?? false,
  };
}

export function buildContext(remainingMs = 10_000, awsRequestId = 'lambda-req-0001'): Context {
  const noop = () => undefined;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'credential-broker-test-issue',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:999999999999:function:credential-broker-test-issue',
    memoryLimitInMB: '512',
    awsRequestId,
    logGroupName: '/aws/lambda/credential-broker-test-issue',
    logStreamName: '2025/01/01/[$LATEST]abcdef',
    getRemainingTimeInMillis: () => remainingMs,
    done: noop,
    fail: noop,
    succeed: noop,
  };
}
