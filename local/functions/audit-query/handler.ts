// Local stage only: the deployed route behind local SigV4/JWT verification.
import '../refuse-outside-local-stack.js';
import { auditHttpOptions, route } from '../../../functions/audit-query/handler.js';
import { config } from '../../../functions/shared/runtime.js';
import { localHandler } from '../local-handler.js';

export const handler = localHandler(route, auditHttpOptions, config.stage);
