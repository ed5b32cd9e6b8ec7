// Local stage only: the deployed composition behind local SigV4/JWT verification.
import '../refuse-outside-local-stack.js';
import { makeHandler } from '../../../functions/audit-digests/compose.js';
import { ports } from '../../../functions/audit-digests/handler.js';
import { config, httpOptions } from '../../../functions/shared/runtime.js';
import { withLocalAuthentication } from '../local-handler.js';

export const handler = makeHandler(ports, withLocalAuthentication(httpOptions, config.stage));
