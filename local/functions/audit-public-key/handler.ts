// Local stage only: the deployed composition, with the public half of the local PEM key
// (.local/audit-digest/signing-key.pem, the key `npm run audit:seal` signs with) for KMS.
import '../refuse-outside-local-stack.js';
import { makeHandler } from '../../../functions/audit-public-key/compose.js';
import { admitAuditor } from '../../../functions/shared/audit-gate.js';
import { config, httpOptions } from '../../../functions/shared/runtime.js';
import { makeFileSigner } from '../../../lib/audit/digest/file-signer.js';
import { loadDigestConfig } from '../../../lib/config/digest.js';
import { withLocalAuthentication } from '../local-handler.js';

const signer = makeFileSigner(loadDigestConfig(process.env).keyFile);

export const handler = makeHandler(
  { publicKey: () => signer.publicKey(), admitAuditor },
  withLocalAuthentication(httpOptions, config.stage),
);
