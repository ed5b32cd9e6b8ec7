/**
 * One function serving several routes: API Gateway sends the events of each route the
 * function is wired to, and names the route it matched in `routeKey` (`GET /v1/grants/mine`,
 * or its /v1/oidc/ twin). The route key is API Gateway's verdict, not something the client
 * sends, so it picks the handler; a key no contract names is a wiring mistake (500).
 */
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { oidcPath, type RouteContract } from '../contracts/route.js';
import { internalError } from '../errors.js';
import type { HttpEvent } from './handler.js';
import { problemResponse } from './problem.js';
import { requestIdOf } from './request-facts.js';

export type HttpLambda = (event: HttpEvent, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

export function dispatchByRoute(routes: readonly (readonly [RouteContract, HttpLambda])[]): HttpLambda {
  const byRouteKey = new Map<string, HttpLambda>();
  for (const [contract, handler] of routes) {
    byRouteKey.set(`${contract.method} ${contract.path}`, handler);
    byRouteKey.set(`${contract.method} ${oidcPath(contract.path)}`, handler);
  }
  return async (event, context) => {
    const handler = byRouteKey.get(event.routeKey);
    if (handler) return handler(event, context);
    return problemResponse(internalError(`no handler for ${event.routeKey}`), requestIdOf(event, context));
  };
}
