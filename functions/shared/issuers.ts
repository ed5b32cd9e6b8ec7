/**
 * The issuers, built once per cold start, for the functions that mint (issue-credentials)
 * or check grants (verify-grants). Apart from ./sts.ts so the health function, which only
 * probes STS, loads neither the Volcengine signer nor the secret store.
 */
import { signingKeySource } from '../../lib/config/secrets.js';
import type { Issuers } from '../../lib/issuance/ports.js';
import { makeAwsIssuer } from '../../lib/providers/aws-sts.js';
import { makeVolcengineIssuer } from '../../lib/providers/volcengine-sts.js';
import { config } from './runtime.js';
import { secretStore } from './secrets.js';
import { stsClient } from './sts.js';

export const issuers: Issuers = {
  aws: makeAwsIssuer({ client: stsClient, timeoutMs: config.sts.timeoutMs }),
  // Always present: its key is read per call, so a missing or unconfigured key is refused
  // inside the issuance, after its INTENT record, and leaves a FAILED record.
  volcengine: makeVolcengineIssuer({
    ...config.volcengine,
    credentials: signingKeySource(secretStore, config.secrets.volcengineKey),
    requestTimeoutMs: config.sts.timeoutMs,
  }),
};
