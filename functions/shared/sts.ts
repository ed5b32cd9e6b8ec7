/**
 * The STS client, built once per cold start, for the functions that mint (./issuers.ts) or
 * probe identity (health). The AWS endpoint comes from AWS_ENDPOINT_URL_STS when set (the
 * local stack): no endpoint branches here.
 */
import { STSClient } from '@aws-sdk/client-sts';
import { config } from './runtime.js';

export const stsClient = new STSClient({ region: config.region, maxAttempts: config.sts.maxAttempts });
