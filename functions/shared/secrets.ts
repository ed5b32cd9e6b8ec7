/**
 * The secret store, built once per cold start: SSM SecureStrings read by name, with
 * decryption, cached for BROKER_SECRETS_MAX_AGE_SECONDS. The endpoint comes from
 * AWS_ENDPOINT_URL_SSM when set (the local stack's SSM emulator): no endpoint branches here.
 */
import { makeSsmSecretStore } from '../../lib/config/ssm-secrets.js';
import { config } from './runtime.js';

export const secretStore = makeSsmSecretStore({ region: config.region, ...config.secrets.ssm });
