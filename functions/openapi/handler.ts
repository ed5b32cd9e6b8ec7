// GET /v1/openapi.json
import { loadConfig } from '../../lib/config/env.js';
import { httpHandler } from '../../lib/http/handler.js';
import { openApiRoute } from '../../lib/http/openapi-document.js';
import { makeLogger } from '../../lib/observability/logger.js';
import { routes } from './routes.build-time.js';

const config = loadConfig(process.env);
export const route = openApiRoute(config.version, routes);
export const handler = httpHandler(route, { logger: makeLogger(), maxBodyBytes: config.maxBodyBytes });
