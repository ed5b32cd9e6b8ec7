// Local stage only: no schedule; run it on demand through serverless-offline's Lambda
// endpoint (aws lambda invoke --endpoint-url http://127.0.0.1:3002 --function-name
// credential-broker-local-verifyGrants out.json) or in tests through functions/verify-grants/compose.ts.
import '../refuse-outside-local-stack.js';

export { handler } from '../../../functions/verify-grants/handler.js';
