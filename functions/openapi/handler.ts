// GET /v1/openapi.json
import { loadConfig } from '../../lib/config/env.js';
import { httpHandler } from '../../lib/http/handler.js';
import { makeLogger } from '../../lib/observability/logger.js';
import { openApiRoute } from './route.js';

const config = loadConfig(process.env);
export const route = openApiRoute(config.version);
export const handler = httpHandler(route, { logger: makeLogger(), maxBodyBytes: config.maxBodyBytes });
