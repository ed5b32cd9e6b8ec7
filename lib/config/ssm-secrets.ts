/**
 * The secret store on SSM Parameter Store SecureStrings, through Powertools Parameters:
 * GetParameter with decryption, cached per name for `maxAgeSeconds`, so a rotated value
 * reaches warm functions within that age and no redeploy is needed. The endpoint comes from
 * AWS_ENDPOINT_URL_SSM when set (the local stack's emulator): no endpoint branches here.
 * The SSM client is built on the first read (./ssm-secrets-provider.ts), not at cold start.
 */
import { type SecretStore, SecretUnavailableError } from './secrets.js';
import type { makeSsmProvider, SsmSecretStoreOptions } from './ssm-secrets-provider.js';

type SsmProvider = ReturnType<typeof makeSsmProvider>;

export function makeSsmSecretStore(options: SsmSecretStoreOptions): SecretStore {
  let provider: Promise<SsmProvider> | undefined;
  const loadProvider = () => {
    provider ??= import('./ssm-secrets-provider.js').then(({ makeSsmProvider }) => makeSsmProvider(options));
    return provider;
  };
  return {
    async read(name) {
      try {
        const ssm = await loadProvider();
        const value = await ssm.get(name, { decrypt: true, maxAge: options.maxAgeSeconds });
        return typeof value === 'string' && value !== '' ? value : undefined;
      } catch (error) {
        // Powertools wraps the SDK's error; a parameter that does not exist is not an outage.
        const cause = error instanceof Error ? error.cause : undefined;
        if (cause instanceof Error && cause.name === 'ParameterNotFound') return undefined;
        throw new SecretUnavailableError(name, cause ?? error);
      }
    },
  };
}
