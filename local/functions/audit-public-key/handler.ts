// Local stage only: the deployed route, with the public half of the local PEM key
// (.local/audit-digest/signing-key.pem, the key `npm run audit:seal` signs with) for KMS.
import '../refuse-outside-local-stack.js';
import { auditPublicKeyRoute } from '../../../functions/audit-public-key/route.js';
import { allowList, config, httpOptions, logger } from '../../../functions/shared/runtime.js';
import { makeFileSigner } from '../../../lib/audit/digest/file-signer.js';
import { loadDigestConfig } from '../../../lib/config/digest.js';
import { localHandler } from '../local-handler.js';

const signer = makeFileSigner(loadDigestConfig(process.env).keyFile);

export const handler = localHandler(
  auditPublicKeyRoute({ publicKey: () => signer.publicKey(), allowList, logger }),
  httpOptions,
  config.stage,
);
