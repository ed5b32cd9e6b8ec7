// Local stage only: the deployed route behind local SigV4/JWT verification.
import '../refuse-outside-local-stack.js';
import { route } from '../../../functions/audit-digests/handler.js';
import { config, httpOptions } from '../../../functions/shared/runtime.js';
import { localHandler } from '../local-handler.js';

export const handler = localHandler(route, httpOptions, config.stage);
