/**
 * The OpenAPI document as the deployed openapi function serves it: its routes module
 * (functions/openapi/routes.build-time.ts, run at import under tsx) and the route that
 * serves them, behind the HTTP handler, asked for GET /v1/openapi.json.
 */
import { routes } from '../../functions/openapi/routes.build-time.js';
import { httpHandler } from '../../lib/http/handler.js';
import { openApiRoute } from '../../lib/http/openapi-document.js';
import { buildContext, buildEvent } from './lambda.js';
import { silentLogger } from './logs.js';

export interface OpenApiDocumentJson {
  paths: Record<string, Record<string, unknown>>;
  [field: string]: unknown;
}

export async function servedOpenApiDocument(version: string): Promise<OpenApiDocumentJson> {
  const handler = httpHandler(openApiRoute(version, routes), { logger: silentLogger(), maxBodyBytes: 1024 });
  const response = await handler(buildEvent({ method: 'GET', path: '/v1/openapi.json' }), buildContext());
  if (response.statusCode !== 200) throw new Error(`GET /v1/openapi.json answered ${response.statusCode}`);
  return JSON.parse(response.body ?? 'null') as OpenApiDocumentJson;
}
