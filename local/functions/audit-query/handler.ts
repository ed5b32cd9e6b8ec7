// Local stage only: the deployed composition behind local SigV4/JWT verification.
import '../refuse-outside-local-stack.js';
import { makeHandler } from '../../../functions/audit-query/compose.js';
import { http, ports } from '../../../functions/audit-query/handler.js';
import { config } from '../../../functions/shared/runtime.js';
import { withLocalAuthentication } from '../local-handler.js';

export const handler = makeHandler(ports, withLocalAuthentication(http, config.stage));
