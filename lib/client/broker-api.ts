/**
 * The client of the broker's HTTP API, used by the SDK provider, the CLI and the rotation
 * job. Each call goes to one route contract and accepts exactly what that route
 * documents: its success status with a body its schema parses, or a problem. Anything
 * else (HTTP 200 with a gateway's `{"errorMessage": …}`, a 201 where a 200 belongs, a
 * redirect) is an error carrying the real status. Requests go over https:// (loopback
 * excepted), never follow redirects, and are retried only when transient (429, 502-504,
 * the network), by the shared retry engine, honouring Retry-After.
 */
import type * as z from 'zod';
import { getIssuanceContract, type IssuanceHistoryBody } from '../contracts/get-issuance.js';
import { type HealthReportBody, healthContract } from '../contracts/health.js';
import {
  dryRunDecision,
  type GrantSelector,
  issueCredentialsContract,
  issuedCredentials,
} from '../contracts/issue-credentials.js';
import { type GrantsListBody, listGrantsContract } from '../contracts/list-grants.js';
import { type AuditPageBody, listIssuancesContract } from '../contracts/list-issuances.js';
import { listMyGrantsContract, type MyGrantsListBody } from '../contracts/list-my-grants.js';
import type { RouteContract } from '../contracts/route.js';
import { RetriesExhausted, type RetryNotice, UNBOUNDED_BUDGET, withRetries } from '../retry.js';
import { brokerBaseUrl } from './endpoint.js';
import { BrokerClientError, networkError, problemFromResponse, unexpectedAnswer } from './problem.js';
import { defaultChainSigner, type RequestSigner } from './signer.js';

export type { GrantSelector };

export type IssueInput = GrantSelector & {
  durationSeconds?: number;
  /** Session policy: must lie inside the grant's ceiling. */
  policy?: Record<string, unknown>;
};

type IssuedBody = z.output<typeof issuedCredentials>;

/** The 201 of POST /v1/credentials, with `expiration` as a Date. */
export type IssuedCredentials = Omit<IssuedBody, 'credentials'> & {
  credentials: Omit<IssuedBody['credentials'], 'expiration'> & { expiration: Date };
};

export type DryRunDecision = z.output<typeof dryRunDecision>;
export type AuditPage = AuditPageBody;
export type IssuanceHistory = IssuanceHistoryBody;
export type GrantsList = GrantsListBody;
export type MyGrantsList = MyGrantsListBody;
export type HealthReport = HealthReportBody;

/** Filters of GET /v1/issuances, as the query string carries them. */
export type AuditListQuery = Partial<
  Record<keyof z.input<typeof listIssuancesContract.request.query>, string | undefined>
>;

/** A retry about to happen: what failed, and how long the client waits. */
export interface RetryAnnouncement {
  /** The attempt about to be made (2 for the first retry). */
  attempt: number;
  maxAttempts: number;
  delayMs: number;
  error: BrokerClientError;
}

export interface RetryOptions {
  /** Retries after the first attempt (default 3). */
  maxRetries?: number;
  /** Base of the exponential backoff with full jitter (default 200 ms). */
  baseDelayMs?: number;
  /** Longest single wait; a Retry-After beyond it ends the retries at once (default 20 s). */
  maxDelayMs?: number;
}

export interface BrokerApiOptions extends RetryOptions {
  /** Base URL of the API, e.g. https://abc123.execute-api.eu-west-1.amazonaws.com (a trailing /v1/ is fine). */
  endpoint: string;
  /** Default: SigV4 with the AWS SDK's default provider chain. */
  signer?: RequestSigner;
  fetch?: typeof fetch;
  /** Per attempt (default 10 s; API Gateway gives up after 30 s anyway). */
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => Date;
  /** Told before each retry (the CLI announces it on stderr). */
  onRetry?: (retry: RetryAnnouncement) => void;
}

export interface BrokerApi {
  issueCredentials(input: IssueInput): Promise<IssuedCredentials>;
  /** The decision without minting: which grant, duration and bound, session policy. */
  dryRun(input: IssueInput): Promise<DryRunDecision>;
  listIssuances(query: AuditListQuery): Promise<AuditPage>;
  getIssuance(issuanceId: string): Promise<IssuanceHistory>;
  /** Every grant with its last check (auditors only). */
  listGrants(): Promise<GrantsList>;
  /** The caller's own grants: role, durations, ceiling policy (any caller). */
  listMyGrants(): Promise<MyGrantsList>;
  health(): Promise<HealthReport>;
}

interface CallInput {
  path?: Record<string, string>;
  query?: Record<string, string | undefined>;
  body?: unknown;
}

export function makeBrokerApi(options: BrokerApiOptions): BrokerApi {
  const base = brokerBaseUrl(options.endpoint);
  const signer = options.signer ?? defaultChainSigner();
  const doFetch = options.fetch ?? fetch;
  const now = options.now ?? (() => new Date());
  const maxRetries = options.maxRetries ?? 3;

  function urlOf(contract: RouteContract, input: CallInput): string {
    const path = contract.path.replace(/\{(\w+)\}/g, (_, name: string) =>
      encodeURIComponent(input.path?.[name] ?? ''),
    );
    const url = new URL(`${base}${path}`);
    for (const [name, value] of Object.entries(input.query ?? {}))
      if (value !== undefined) url.searchParams.set(name, value);
    return url.toString();
  }

  async function attempt<S extends z.ZodType>(
    contract: RouteContract,
    expected: 200 | 201,
    schema: S,
    url: string,
    body: string | undefined,
    timeoutMs: number,
  ): Promise<z.output<S>> {
    const headers = await signer(url, { method: contract.method, body });
    let response: Response;
    try {
      response = await doFetch(url, {
        method: contract.method,
        headers,
        body,
        redirect: 'error',
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw networkError(error, url);
    }
    if (response.status >= 400) throw await problemFromResponse(response, now);
    if (response.status !== expected) {
      await response.body?.cancel();
      throw unexpectedAnswer(response.status, expected, { kind: 'status' });
    }
    let json: unknown;
    try {
      json = JSON.parse(await response.text());
    } catch {
      throw unexpectedAnswer(response.status, expected, { kind: 'body', fields: [] });
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.') || '$'))];
      throw unexpectedAnswer(response.status, expected, { kind: 'body', fields });
    }
    return parsed.data;
  }

  async function call<S extends z.ZodType>(
    contract: RouteContract,
    expected: 200 | 201,
    schema: S,
    input: CallInput = {},
  ): Promise<z.output<S>> {
    const url = urlOf(contract, input);
    const body = input.body === undefined ? undefined : JSON.stringify(input.body);
    try {
      return await withRetries(
        ({ timeoutMs }) => attempt(contract, expected, schema, url, body, timeoutMs),
        UNBOUNDED_BUDGET,
        {
          maxAttempts: maxRetries + 1,
          requestTimeoutMs: options.timeoutMs ?? 10_000,
          isRetryable: (error) => error instanceof BrokerClientError && error.transient,
          requestedDelayMs: (error) => {
            const seconds = error instanceof BrokerClientError ? error.retryAfterSeconds : undefined;
            return seconds === undefined ? undefined : seconds * 1000;
          },
          baseDelayMs: options.baseDelayMs ?? 200,
          maxDelayMs: options.maxDelayMs ?? 20_000,
          safetyMarginMs: 0,
          minAttemptMs: 0,
          random: options.random,
          sleep: options.sleep,
          onRetry: options.onRetry && announce(options.onRetry),
        },
      );
    } catch (error) {
      throw error instanceof RetriesExhausted ? error.lastError : error;
    }
  }

  const post = <S extends z.ZodType>(input: IssueInput, dryRun: boolean, expected: 200 | 201, schema: S) =>
    call(issueCredentialsContract, expected, schema, { body: dryRun ? { ...input, dryRun: true } : input });

  return {
    async issueCredentials(input) {
      const { credentials, ...issued } = await post(input, false, 201, issuedCredentials);
      return { ...issued, credentials: { ...credentials, expiration: new Date(credentials.expiration) } };
    },
    dryRun: (input) => post(input, true, 200, dryRunDecision),
    listIssuances: (query) =>
      call(listIssuancesContract, 200, listIssuancesContract.responses[200].schema, { query }),
    getIssuance: (issuanceId) =>
      call(getIssuanceContract, 200, getIssuanceContract.responses[200].schema, { path: { id: issuanceId } }),
    listGrants: () => call(listGrantsContract, 200, listGrantsContract.responses[200].schema),
    listMyGrants: () => call(listMyGrantsContract, 200, listMyGrantsContract.responses[200].schema),
    health: () => call(healthContract, 200, healthContract.responses[200].schema),
  };
}

function announce(onRetry: (retry: RetryAnnouncement) => void) {
  return (notice: RetryNotice) => {
    if (!(notice.error instanceof BrokerClientError)) return;
    onRetry({
      attempt: notice.failedAttempt + 1,
      maxAttempts: notice.maxAttempts,
      delayMs: notice.delayMs,
      error: notice.error,
    });
  };
}
