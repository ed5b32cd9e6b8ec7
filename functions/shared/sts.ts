/**
 * The STS client and the issuers, built once per cold start, for the functions that mint
 * or probe identity. The AWS endpoint comes from AWS_ENDPOINT_URL_STS when set (the local
 * stack): no endpoint branches here.
 */
import { STSClient } from '@aws-sdk/client-sts';
import { signingKeySource } from '../../lib/config/secrets.js';
import type { Issuers } from '../../lib/issuance/ports.js';
import { makeAwsIssuer } from '../../lib/providers/aws-sts.js';
import { makeVolcengineIssuer } from '../../lib/providers/volcengine-sts.js';
import { config } from './runtime.js';
import { secretStore } from './secrets.js';

export const stsClient = new STSClient({ region: config.region, maxAttempts: config.sts.maxAttempts });

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
