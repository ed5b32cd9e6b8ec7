/**
 * Example credential-rotation job: keeps an env file (AWS_ACCESS_KEY_ID, …,
 * AWS_CREDENTIAL_EXPIRATION; VOLC_ACCESSKEY, … for a Volcengine grant) filled with fresh
 * broker credentials for a service that reads its keys from a file (a Doris storage vault
 * sync, a systemd EnvironmentFile, a docker --env-file).
 *
 *   tsx examples/rotation-job/rotate.ts --once    cron / EventBridge: rotate if due, exit
 *   tsx examples/rotation-job/rotate.ts --watch   long-running: rotate before each expiry
 *
 * Configuration (environment): BROKER_ENDPOINT, ROTATION_GRANT, ROTATION_TARGET (file),
 * ROTATION_DURATION_SECONDS (optional), ROTATION_REFRESH_MINUTES (default 10),
 * ROTATION_LOCAL_AS (local stack only: sign as this dev identity).
 * Logs are JSON lines with ids and times only: the credentials go to the file, nowhere else.
 */
import { pathToFileURL } from 'node:url';
import { type IssuedCredentials, makeBrokerApi } from '../../lib/client/broker-api.js';
import { envFile } from '../../lib/client/formats.js';
import { BrokerClientError } from '../../lib/client/problem.js';
import { credentialsSigner, defaultChainSigner, type RequestSigner } from '../../lib/client/signer.js';
import { writeSecretFile, writtenExpiration } from './secret-file.js';

export interface RotationOptions {
  target: string;
  /** One issuance (the broker's retries included). */
  issue: () => Promise<IssuedCredentials>;
  /** Rotate when the written credentials expire within this window. */
  refreshWindowMs: number;
  now?: () => Date;
  log?: (event: string, fields: Record<string, unknown>) => void;
}

/** One run: rotates when the file is missing or inside the refresh window. Returns the file's expiry. */
export async function rotateIfDue(options: RotationOptions): Promise<Date> {
  const now = options.now ?? (() => new Date());
  const log = options.log ?? jsonLog;
  const current = await writtenExpiration(options.target);
  if (current && current.getTime() - options.refreshWindowMs > now().getTime()) {
    log('rotation not due', { target: options.target, expiration: current.toISOString() });
    return current;
  }
  const issued = await options.issue();
  await writeSecretFile(options.target, envFile(issued));
  const { accessKeyId, expiration } = issued.credentials;
  log('credentials rotated', { target: options.target, accessKeyId, expiration: expiration.toISOString() });
  return expiration;
}

/** Rotates before each expiry; on failure retries with backoff while the old credentials last. */
export async function watch(options: RotationOptions, signal: AbortSignal): Promise<void> {
  const now = options.now ?? (() => new Date());
  let failures = 0;
  while (!signal.aborted) {
    let waitMs: number;
    try {
      const expiration = await rotateIfDue(options);
      failures = 0;
      waitMs = Math.max(30_000, expiration.getTime() - options.refreshWindowMs - now().getTime());
    } catch (error) {
      failures += 1;
      waitMs = Math.min(300_000, 5_000 * 2 ** failures);
      (options.log ?? jsonLog)('rotation failed', {
        target: options.target,
        error: describe(error),
        retryInMs: waitMs,
      });
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, waitMs);
      signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

/**
 * 3 ("retry next run") only while the file still holds credentials that work and the
 * failure is transient; with nothing usable left (no file, expired credentials) or a
 * refusal (fix the grant or the job's identity) the consumer is broken now: 2.
 */
export async function onceFailureExit(error: unknown, target: string): Promise<number> {
  const transient = error instanceof BrokerClientError && error.transient;
  const current = await writtenExpiration(target).catch(() => undefined);
  return transient && current !== undefined && current.getTime() > Date.now() ? 3 : 2;
}

function describe(error: unknown): string {
  if (error instanceof BrokerClientError)
    return `${error.code} (HTTP ${error.status}) ${error.detail ?? ''}`.trim();
  return error instanceof Error ? (error.message.split('\n')[0] ?? error.name) : 'unknown error';
}

function jsonLog(event: string, fields: Record<string, unknown>) {
  process.stdout.write(`${JSON.stringify({ at: new Date().toISOString(), event, ...fields })}\n`);
}

async function signerFromEnv(env: NodeJS.ProcessEnv): Promise<RequestSigner> {
  if (!env.ROTATION_LOCAL_AS) return defaultChainSigner();
  // Local stack only: the CLI's dev-identity lookup, loaded only when asked for.
  const { localCredentials } = await import('../../cli/connection.js');
  return credentialsSigner(localCredentials(env.ROTATION_LOCAL_AS, env));
}

async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const mode = argv[0];
  const { BROKER_ENDPOINT: endpoint, ROTATION_GRANT: grant, ROTATION_TARGET: target } = env;
  if ((mode !== '--once' && mode !== '--watch') || !endpoint || !grant || !target) {
    process.stderr.write(
      'usage: BROKER_ENDPOINT=… ROTATION_GRANT=… ROTATION_TARGET=… rotate.ts --once|--watch\n',
    );
    return 1;
  }
  const refreshWindowMs = Number(env.ROTATION_REFRESH_MINUTES ?? 10) * 60_000;
  const api = makeBrokerApi({ endpoint, signer: await signerFromEnv(env) });
  const request = {
    grant,
    ...(env.ROTATION_DURATION_SECONDS ? { durationSeconds: Number(env.ROTATION_DURATION_SECONDS) } : {}),
  };
  const options: RotationOptions = { target, refreshWindowMs, issue: () => api.issueCredentials(request) };
  if (mode === '--once') {
    try {
      await rotateIfDue(options);
      return 0;
    } catch (error) {
      jsonLog('rotation failed', { target, error: describe(error) });
      return await onceFailureExit(error, target);
    }
  }
  const stop = new AbortController();
  process.once('SIGTERM', () => stop.abort());
  process.once('SIGINT', () => stop.abort());
  await watch(options, stop.signal);
  return 0;
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) {
  process.exitCode = await main(process.argv.slice(2), process.env);
}
