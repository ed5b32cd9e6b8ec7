// GET /v1/openapi.json
import { loadConfig } from '../../lib/config/env.js';
import { ROUTE_CONTRACTS } from '../../lib/contracts/index.js';
import { httpHandler } from '../../lib/http/handler.js';
import { openApiRoute } from '../../lib/http/openapi.js';
import { makeLogger } from '../../lib/observability/logger.js';

const config = loadConfig(process.env);
export const route = openApiRoute(config.version, ROUTE_CONTRACTS);
export const handler = httpHandler(route, { logger: makeLogger(), maxBodyBytes: config.maxBodyBytes });
