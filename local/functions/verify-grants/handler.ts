// Local stage only: no schedule; run it on demand through serverless-offline's Lambda
// endpoint (aws lambda invoke --endpoint-url http://127.0.0.1:3002 --function-name
// credential-broker-local-verifyGrants out.json) or in tests through makeVerifyGrants.
import { config } from '../../../functions/shared/runtime.js';

if (config.stage !== 'local')
  throw new Error(`local handlers run in the local stage only (stage is ${config.stage})`);

export { handler } from '../../../functions/verify-grants/handler.js';
