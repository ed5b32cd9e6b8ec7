// Local stage only: the deployed route behind local SigV4/JWT verification.
import '../refuse-outside-local-stack.js';
import { route } from '../../../functions/openapi/handler.js';
import { loadConfig } from '../../../lib/config/env.js';
import { makeLogger } from '../../../lib/observability/logger.js';
import { localHandler } from '../local-handler.js';

const config = loadConfig(process.env);
export const handler = localHandler(
  route,
  { logger: makeLogger(), maxBodyBytes: config.maxBodyBytes },
  config.stage,
);
