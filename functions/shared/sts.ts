/**
 * The STS client and the issuers, built once per cold start, for the functions that mint
 * or probe identity. The AWS endpoint comes from AWS_ENDPOINT_URL_STS when set (the local
 * stack): no endpoint branches here.
 */
import { STSClient } from '@aws-sdk/client-sts';
import type { Issuers } from '../../lib/issuance/ports.js';
import { makeAwsIssuer } from '../../lib/providers/aws-sts.js';
import { makeVolcengineIssuer } from '../../lib/providers/volcengine-sts.js';
import { config } from './runtime.js';

export const stsClient = new STSClient({ region: config.region, maxAttempts: config.sts.maxAttempts });

export const issuers: Issuers = {
  aws: makeAwsIssuer({ client: stsClient, timeoutMs: config.sts.timeoutMs }),
  ...(config.volcengine
    ? { volcengine: makeVolcengineIssuer({ ...config.volcengine, requestTimeoutMs: config.sts.timeoutMs }) }
    : {}),
};
