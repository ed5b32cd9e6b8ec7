/**
 * The HTTP chain every route shares (middy): request context and logging first, then
 * size limit → authentication → body and query validation → the route's core, and the
 * problem+json error mapper last. Every response carries Cache-Control: no-store.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type * as z from 'zod';
import type { Caller } from '../grants/caller.js';
import type { BrokerLogger } from '../observability/logger.js';
import { assertBodySize, parseBody, rawBody, validate } from './body.js';
import { callerFromRequestContext } from './identity.js';
import { problemResponse, SECURITY_HEADERS, toBrokerError } from './problem.js';
import { type RequestFacts, requestFacts, requestIdOf } from './request-facts.js';

export type HttpEvent = APIGatewayProxyEventV2;

/** Establishes who calls. Deployed: the authorizer's verdict. Local stage: our verifier. */
export type Authenticate = (event: HttpEvent) => Promise<Caller>;

export const fromRequestContext: Authenticate = async (event) =>
  callerFromRequestContext(event.requestContext as { authorizer?: unknown });

export interface RouteInput<B, Q> {
  caller: Caller;
  body: B;
  query: Q;
  pathParameters: Record<string, string | undefined>;
  facts: RequestFacts;
}

export interface RouteResult {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface Route<B = undefined, Q = undefined> {
  name: string;
  body?: z.ZodType<B>;
  query?: z.ZodType<Q>;
  handle(input: RouteInput<B, Q>): Promise<RouteResult>;
}

export interface HttpHandlerOptions {
  logger: BrokerLogger;
  maxBodyBytes: number;
  authenticate?: Authenticate;
  /** Overridable for tests; Lambda gives getRemainingTimeInMillis. */
  now?: () => number;
  /** Run inside the logging context and outside the error mapper (e.g. the metrics flush). */
  middlewares?: HttpMiddleware[];
}

export type HttpMiddleware = middy.MiddlewareObj<
  HttpEvent,
  APIGatewayProxyStructuredResultV2,
  Error,
  Context
>;

export function httpHandler<B, Q>(route: Route<B, Q>, options: HttpHandlerOptions) {
  const authenticate = options.authenticate ?? fromRequestContext;
  const now = options.now ?? Date.now;

  const core = async (event: HttpEvent, context: Context): Promise<APIGatewayProxyStructuredResultV2> => {
    const started = now();
    const facts = requestFacts(event, context, started, now);
    assertBodySize(event, options.maxBodyBytes);
    const caller = await authenticate(event);
    options.logger.appendKeys({ caller: caller.key });
    const body = route.body ? parseBody(rawBody(event), route.body) : (undefined as B);
    const query = route.query ? validate(event.queryStringParameters ?? {}, route.query) : (undefined as Q);
    const result = await route.handle({
      caller,
      body,
      query,
      pathParameters: event.pathParameters ?? {},
      facts,
    });
    options.logger.info('request completed', {
      route: route.name,
      status: result.status,
      ms: now() - started,
    });
    return {
      statusCode: result.status,
      headers: { 'Content-Type': 'application/json', ...SECURITY_HEADERS, ...result.headers },
      body: JSON.stringify(result.body),
    };
  };

  // logEvent: false overrides POWERTOOLS_LOGGER_LOG_EVENT: a raw event holds the Authorization
  // and security-token headers and the body (invariant 10).
  return middy<HttpEvent, APIGatewayProxyStructuredResultV2, Error, Context>()
    .use(injectLambdaContext(options.logger, { resetKeys: true, logEvent: false }))
    .use(options.middlewares ?? [])
    .use(problemJsonErrors(options.logger, route.name))
    .handler(core);
}

function problemJsonErrors(logger: BrokerLogger, routeName: string): HttpMiddleware {
  return {
    onError: async (request) => {
      const error = toBrokerError(request.error);
      const fields = {
        route: routeName,
        status: error.status,
        code: error.code,
        reason: error.internalReason,
      };
      if (error.status >= 500)
        logger.error('request failed', { ...fields, error: describeCause(request.error) });
      else logger.warn('request refused', fields);
      request.response = problemResponse(error, requestIdOf(request.event, request.context));
    },
  };
}

/** Error name and message only: causes from SDKs may embed request parameters. */
function describeCause(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return cause instanceof Error ? `${cause.name}: ${cause.message}`.slice(0, 500) : 'unknown';
}
