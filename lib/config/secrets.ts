/**
 * Secrets by name: the port through which the functions read the keys they hold (the
 * audit cursor key, the broker's Volcengine AK/SK) at run time. Only parameter names reach
 * a template, a package or an environment variable; values come from the store (SSM
 * SecureStrings in AWS, the local stack's SSM emulator locally, the same adapter for both).
 */
import { dependencyUnavailable, providerNotConfigured } from '../errors.js';

export interface SecretStore {
  /**
   * The secret's current value, from a cache of bounded age so that a rotated value is
   * picked up without a redeploy. Undefined when no parameter has that name (or it is
   * empty); throws SecretUnavailableError when the store cannot be read.
   */
  read(name: string): Promise<string | undefined>;
}

/** The store could not be asked (network, throttling, access denied, KMS). */
export class SecretUnavailableError extends Error {
  constructor(
    readonly parameterName: string,
    cause: unknown,
  ) {
    super(
      `secret ${parameterName} cannot be read (${cause instanceof Error ? cause.name : 'unknown error'})`,
      {
        cause,
      },
    );
    this.name = 'SecretUnavailableError';
  }
}

/** A secret kept current: read on first use, refreshed through the store's cache before each use. */
export interface CurrentSecret {
  /** The value of the last good read; throws when no read has succeeded yet. */
  readonly value: string;
  /** Reads the secret (through the store's cache); throws when it is missing, unreadable or invalid. */
  refresh(): Promise<void>;
}

/**
 * A required secret, read fail-closed on first use rather than at cold start: importing a
 * function does no I/O, and its first request reads the secret (the HTTP chain refreshes it
 * before each request, lib/http/refresh-secrets.ts), so a missing, unreadable or invalid
 * value refuses that request and every later one until it is fixed. `check` returns why a
 * value is unusable, or undefined.
 */
export function requiredSecret(
  store: SecretStore,
  name: string,
  check: (value: string) => string | undefined = () => undefined,
): CurrentSecret {
  let value: string | undefined;
  return {
    get value() {
      if (value === undefined) throw new Error(`secret ${name} was used before it was read`);
      return value;
    },
    async refresh() {
      const read = await store.read(name);
      if (read === undefined) throw new Error(`Invalid broker configuration: secret ${name} does not exist`);
      const problem = check(read);
      if (problem !== undefined) throw new Error(`Invalid broker configuration: secret ${name} ${problem}`);
      value = read;
    },
  };
}

/** Local stage only: cursors of a dev stack need no secrecy, and a deployed stage refuses this value. */
export const LOCAL_CURSOR_KEY = 'local-dev-cursor-key-not-a-secret-0000';

/** Why a cursor key is unusable in this stage, or undefined. Never echoes the value. */
export function cursorKeyProblem(stage: string) {
  return (value: string): string | undefined => {
    if (value.length < 32) return 'is shorter than 32 characters';
    if (stage !== 'local' && value === LOCAL_CURSOR_KEY) return 'is the local dev key';
    return undefined;
  };
}

export interface SigningKeyNames {
  accessKeyId: string;
  secretAccessKey: string;
}

/**
 * Where the minting functions get the broker's Volcengine key, at each call (the store's
 * cache keeps that cheap). No names, or a missing half, is a provider that is not
 * configured (503 provider_not_configured, and the issuance's FAILED record says so); a
 * store that cannot be read is a dependency outage (503 dependency_unavailable).
 */
export function signingKeySource(
  store: SecretStore,
  names: SigningKeyNames | undefined,
): () => Promise<{ accessKeyId: string; secretAccessKey: string }> {
  return async () => {
    if (names === undefined) throw providerNotConfigured();
    let halves: (string | undefined)[];
    try {
      halves = await Promise.all([store.read(names.accessKeyId), store.read(names.secretAccessKey)]);
    } catch (error) {
      throw dependencyUnavailable(
        'ssm',
        error instanceof Error ? error.message : 'secret store failed',
        error,
      );
    }
    const [accessKeyId, secretAccessKey] = halves;
    if (accessKeyId === undefined || secretAccessKey === undefined) throw providerNotConfigured();
    return { accessKeyId, secretAccessKey };
  };
}
