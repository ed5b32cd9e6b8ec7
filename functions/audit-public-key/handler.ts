// GET /v1/audit/public-key (auditors only): the public half of the KMS digest key.
import { httpHandler } from '../../lib/http/handler.js';
import { digestSigner } from '../shared/kms.js';
import { allowList, httpOptions, logger } from '../shared/runtime.js';
import { auditPublicKeyRoute } from './route.js';

export const route = auditPublicKeyRoute({ publicKey: () => digestSigner.publicKey(), allowList, logger });

export const handler = httpHandler(route, httpOptions);
