/**
 * The routes of the OpenAPI document, converted from every route contract. Run when the
 * function's bundle is built (`*.build-time.ts`, config/serverless/esbuild-plugins.cjs): the
 * bundle holds the result as JSON, so a cold start neither builds the contracts' zod schemas
 * nor converts them to JSON Schema (it only pairs each route with its /v1/oidc/ twin). Under
 * tsx (tests, scripts) it runs at import.
 */
import { ROUTE_CONTRACTS } from '../../lib/contracts/index.js';
import { openApiRoutes } from '../../lib/http/openapi.js';

export const routes = openApiRoutes(ROUTE_CONTRACTS);
