/**
 * The OpenAPI 3.1 document around its paths, and the route that serves it. Apart from
 * ./openapi.ts, which converts the route contracts to paths: the deployed openapi function
 * gets its paths converted when its bundle is built (functions/openapi/paths.build-time.ts)
 * and loads neither the contracts nor the converter at cold start.
 */
import type { Route } from './handler.js';

export type OpenApiPaths = Record<string, Record<string, unknown>>;

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
export function openApiRoute(version: string, paths: OpenApiPaths): Route {
  const document = openApiDocument({ version }, paths);
  return { name: 'openapi', handle: async () => ({ status: 200, body: document }) };
}
