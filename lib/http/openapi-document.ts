/**
 * The OpenAPI 3.1 document assembled from its routes, and the route that serves it. Apart from
 * ./openapi.ts, which converts the route contracts to routes: the deployed openapi function
 * gets them converted when its bundle is built (functions/openapi/routes.build-time.ts) and
 * loads neither the contracts nor the converter at cold start. Every route appears twice:
 * the IAM path (SigV4) and its /v1/oidc/ twin (bearer JWT), sharing their schemas.
 */
import { oidcPath } from '../contracts/route.js';
import type { Route } from './handler.js';

/** A JSON Schema (2020-12, the dialect of OpenAPI 3.1) as plain JSON data. */
export type JsonSchema = Record<string, unknown>;

/** What both twins of a route share: parameters, request body and answers, as JSON Schema. */
export interface WireSchemas {
  parameters?: JsonSchema[];
  requestBody?: JsonSchema;
  responses: Record<string, unknown>;
}

/** One route of the API as plain JSON data (its contract with the schemas converted). */
export interface OpenApiRoute {
  method: string;
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  schemas: WireSchemas;
}

export type OpenApiPaths = Record<string, Record<string, unknown>>;

function operation(route: OpenApiRoute, twin: 'iam' | 'oidc') {
  const { parameters: params, ...bodyAndResponses } = route.schemas;
  return {
    operationId: twin === 'iam' ? route.operationId : `${route.operationId}Oidc`,
    summary: route.summary,
    description: [
      route.description,
      twin === 'iam'
        ? `Signed with SigV4 (execute-api). JWT callers use ${route.method} ${oidcPath(route.path)}.`
        : `The bearer-JWT twin of ${route.method} ${route.path}.`,
    ]
      .filter(Boolean)
      .join('\n\n'),
    security: [twin === 'iam' ? { sigv4: [] } : { oidc: [] }],
    ...(params === undefined ? {} : { parameters: params }),
    ...bodyAndResponses,
  };
}

/** Every route with its /v1/oidc/ twin. */
export function openApiPaths(routes: readonly OpenApiRoute[]): OpenApiPaths {
  const paths: OpenApiPaths = {};
  for (const route of routes) {
    const method = route.method.toLowerCase();
    for (const [path, twin] of [
      [route.path, 'iam'],
      [oidcPath(route.path), 'oidc'],
    ] as const) {
      paths[path] = { ...paths[path], [method]: operation(route, twin) };
    }
  }
  return paths;
}

export function openApiDocument(info: { version: string }, paths: OpenApiPaths) {
  return {
    openapi: '3.1.0',
    info: { title: 'Credential broker', version: info.version },
    components: {
      securitySchemes: {
        sigv4: {
          type: 'apiKey',
          in: 'header',
          name: 'Authorization',
          description: 'AWS SigV4, service execute-api',
        },
        oidc: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'On the /v1/oidc/ routes' },
      },
    },
    paths,
  };
}

/** GET /v1/openapi.json: the document is assembled once, at cold start. */
export function openApiRoute(version: string, routes: readonly OpenApiRoute[]): Route {
  const document = openApiDocument({ version }, openApiPaths(routes));
  return { name: 'openapi', handle: async () => ({ status: 200, body: document }) };
}
