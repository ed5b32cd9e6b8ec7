/**
 * What API Gateway (HTTP API, payload 2.0) and Lambda hand the handler. Events start from
 * the recorded events in test/fixtures/apigateway (one per authorizer, in the shape API
 * Gateway sends, dummy ids) and override only what a test is about. The authorizer block is
 * the only place a caller identity may come from (invariant 1).
 */
import { readFileSync } from 'node:fs';
import type {
  APIGatewayEventRequestContextV2,
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';

export const CALLER_ROLE_ARN = 'arn:aws:iam::111111111111:role/reporting-service';
export const CALLER_ASSUMED_ROLE_ARN = 'arn:aws:sts::111111111111:assumed-role/reporting-service/i-0abc123';

export type AuthorizerKind = 'iam' | 'jwt';

type RequestContext = APIGatewayEventRequestContextV2 & { authorizer?: unknown };
export type RecordedEvent = APIGatewayProxyEventV2 & { requestContext: RequestContext };

const RECORDED_FILES: Record<AuthorizerKind, URL> = {
  iam: new URL('../fixtures/apigateway/http-api-iam.json', import.meta.url),
  jwt: new URL('../fixtures/apigateway/http-api-jwt.json', import.meta.url),
};

/** A fresh copy of the recorded event for this authorizer (tests may change it freely). */
export function recordedEvent(kind: AuthorizerKind): RecordedEvent {
  return JSON.parse(readFileSync(RECORDED_FILES[kind], 'utf8')) as RecordedEvent;
}

/** The recorded IAM authorizer block, for this principal (account id taken from its ARN). */
export function iamAuthorizer(userArn: string = CALLER_ASSUMED_ROLE_ARN) {
  const { iam } = recordedEvent('iam').requestContext.authorizer as { iam: Record<string, unknown> };
  return { iam: { ...iam, accountId: userArn.split(':')[4] || iam.accountId, userArn } };
}

/** The recorded JWT authorizer block, with this issuer and subject. */
export function jwtAuthorizer(iss: string, sub: string) {
  const { jwt } = recordedEvent('jwt').requestContext.authorizer as {
    jwt: { claims: Record<string, string>; scopes: string[] };
  };
  return { jwt: { ...jwt, claims: { ...jwt.claims, iss, sub } } };
}

export interface EventOptions {
  /** A value is JSON-encoded; a string is sent as is. Neither: no body (as a GET sends). */
  body?: unknown;
  rawBody?: string;
  isBase64Encoded?: boolean;
  /** Added to (and replacing) the recorded headers. */
  headers?: Record<string, string>;
  /** `false`: only `headers` (a request the test signed carries exactly what it signed). */
  recordedHeaders?: boolean;
  queryStringParameters?: Record<string, string>;
  /** The values of the route's path parameters, e.g. `{ id }` for /v1/issuances/{id}. */
  pathParameters?: Record<string, string>;
  /** Default: the recorded IAM block. A `jwt` block starts from the JWT event. `null`: none at all. */
  authorizer?: unknown;
  requestId?: string;
  /** Default: the recorded route (POST /v1/credentials, or its /v1/oidc/ twin for a JWT). */
  method?: string;
  path?: string;
}

const isJwtAuthorizer = (authorizer: unknown) =>
  typeof authorizer === 'object' && authorizer !== null && 'jwt' in authorizer;

/** The recorded event for the authorizer asked for, with the options applied. */
export function buildEvent(options: EventOptions = {}): APIGatewayProxyEventV2 {
  const event = recordedEvent(isJwtAuthorizer(options.authorizer) ? 'jwt' : 'iam');
  const { requestContext } = event;
  const method = options.method ?? requestContext.http.method;
  const path = options.path ?? requestContext.http.path;
  const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const { 'content-length': _recordedLength, ...headers } = event.headers;
  const query = options.queryStringParameters;

  if (options.authorizer === null) delete requestContext.authorizer;
  else if (options.authorizer !== undefined) requestContext.authorizer = options.authorizer;
  requestContext.http = { ...requestContext.http, method, path };
  requestContext.routeKey = `${method} ${path}`;
  if (options.requestId !== undefined) requestContext.requestId = options.requestId;

  return {
    ...event,
    routeKey: requestContext.routeKey,
    rawPath: path,
    rawQueryString: query === undefined ? '' : new URLSearchParams(query).toString(),
    headers:
      options.recordedHeaders === false
        ? { ...options.headers }
        : {
            ...headers,
            ...(body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) }),
            ...options.headers,
          },
    queryStringParameters: query,
    ...(options.pathParameters === undefined ? {} : { pathParameters: options.pathParameters }),
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

type HttpAnswer = Promise<APIGatewayProxyStructuredResultV2>;

/**
 * GET requests to a handler as an IAM caller: `get(as, path, query, id)` answers the
 * handler's response with its JSON body parsed (`id` is the route's `{id}` path parameter).
 */
export function getAsCaller(handler: (event: APIGatewayProxyEventV2, context: Context) => HttpAnswer) {
  return async (as: string, path: string, query?: Record<string, string>, id?: string) => {
    const event = buildEvent({
      method: 'GET',
      path,
      queryStringParameters: query,
      authorizer: iamAuthorizer(as),
      pathParameters: id === undefined ? undefined : { id },
    });
    const response = await handler(event, buildContext());
    return { ...response, json: JSON.parse(String(response.body)) as Record<string, unknown> };
  };
}
