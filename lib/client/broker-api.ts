/**
 * A small client of the broker's HTTP API: signs each attempt, retries what is transient
 * (429, 502-504, the network) with bounded backoff that honours Retry-After, and turns
 * every other failure into a BrokerClientError at once. Used by the SDK provider, the CLI
 * and the rotation job.
 */
import * as z from 'zod';
import { BrokerClientError, networkError, problemFromResponse } from './problem.js';
import { defaultChainSigner, type RequestSigner } from './signer.js';

export type GrantSelector = { grant: string; roleArn?: never } | { roleArn: string; grant?: never };

export type IssueInput = GrantSelector & {
  durationSeconds?: number;
  /** Session policy: must lie inside the grant's ceiling. */
  policy?: Record<string, unknown>;
};

const issuedSchema = z.object({
  issuanceId: z.string(),
  grant: z.string(),
  provider: z.string(),
  roleArn: z.string(),
  assumedRoleArn: z.string(),
  sourceIdentity: z.string().optional(),
  durationSeconds: z.number(),
  credentials: z.object({
    accessKeyId: z.string().min(1),
    secretAccessKey: z.string().min(1),
    sessionToken: z.string().min(1),
    expiration: z.iso.datetime({ offset: true }).transform((text) => new Date(text)),
  }),
});

export type IssuedCredentials = z.output<typeof issuedSchema>;

export interface RetryOptions {
  /** Retries after the first attempt (default 3). */
  maxRetries?: number;
  /** Base of the exponential backoff with full jitter (default 200 ms). */
  baseDelayMs?: number;
  /** Longest single wait; a Retry-After beyond it ends the retries at once (default 20 s). */
  maxDelayMs?: number;
}

export interface BrokerApiOptions extends RetryOptions {
  /** Base URL of the API, e.g. https://abc123.execute-api.eu-west-1.amazonaws.com */
  endpoint: string;
  /** Default: SigV4 with the AWS SDK's default provider chain. */
  signer?: RequestSigner;
  fetch?: typeof fetch;
  /** Per attempt (default 10 s; API Gateway gives up after 30 s anyway). */
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => Date;
}

export interface BrokerApi {
  issueCredentials(input: IssueInput): Promise<IssuedCredentials>;
  /** The decision without minting: which grant, duration and bound, session policy. */
  dryRun(input: IssueInput): Promise<unknown>;
  /** GET on any API path (audit queries), parsed JSON. */
  get(path: string, query?: Record<string, string | undefined>): Promise<unknown>;
}

export function makeBrokerApi(options: BrokerApiOptions): BrokerApi {
  const base = options.endpoint.replace(/\/+$/, '');
  const signer = options.signer ?? defaultChainSigner();
  const doFetch = options.fetch ?? fetch;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = options.random ?? Math.random;
  const now = options.now ?? (() => new Date());
  const maxRetries = options.maxRetries ?? 3;
  const baseDelayMs = options.baseDelayMs ?? 200;
  const maxDelayMs = options.maxDelayMs ?? 20_000;
  const timeoutMs = options.timeoutMs ?? 10_000;

  async function attempt(method: 'GET' | 'POST', url: string, body?: string): Promise<unknown> {
    const headers = await signer(url, { method, body });
    let response: Response;
    try {
      response = await doFetch(url, { method, headers, body, signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      throw networkError(error);
    }
    if (!response.ok) throw await problemFromResponse(response, now);
    try {
      return await response.json();
    } catch (error) {
      throw new BrokerClientError(
        { status: response.status, code: 'invalid_response', title: 'The broker answered with invalid JSON' },
        { cause: error },
      );
    }
  }

  async function call(method: 'GET' | 'POST', url: string, body?: string): Promise<unknown> {
    for (let retry = 0; ; retry++) {
      try {
        return await attempt(method, url, body);
      } catch (error) {
        if (!(error instanceof BrokerClientError) || !error.transient || retry >= maxRetries) throw error;
        const delay = retryDelay(error, retry);
        if (delay === undefined) throw error;
        await sleep(delay);
      }
    }
  }

  /** Retry-After when given (the server knows best), else exponential backoff with full jitter. */
  function retryDelay(error: BrokerClientError, retry: number): number | undefined {
    if (error.retryAfterSeconds !== undefined) {
      const asked = error.retryAfterSeconds * 1000;
      return asked > maxDelayMs ? undefined : asked;
    }
    return Math.floor(random() * Math.min(maxDelayMs, baseDelayMs * 2 ** retry));
  }

  const post = (input: IssueInput, dryRun: boolean) =>
    call('POST', `${base}/v1/credentials`, JSON.stringify(dryRun ? { ...input, dryRun: true } : input));

  return {
    async issueCredentials(input) {
      const parsed = issuedSchema.safeParse(await post(input, false));
      if (!parsed.success) {
        // The zod message would quote the offending values: the body holds secrets.
        throw new BrokerClientError({
          status: 201,
          code: 'invalid_response',
          title: 'The broker answered without usable credentials',
          detail: `fields: ${[...new Set(parsed.error.issues.map((i) => i.path.join('.')))].join(', ')}`,
        });
      }
      return parsed.data;
    },
    dryRun: (input) => post(input, true),
    get(path, query = {}) {
      const url = new URL(`${base}${path}`);
      for (const [name, value] of Object.entries(query))
        if (value !== undefined) url.searchParams.set(name, value);
      return call('GET', url.toString());
    },
  };
}
