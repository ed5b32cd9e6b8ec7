/**
 * Every way a call to the broker can fail, as one error type carrying a stable `code`:
 * the broker's problem+json (RFC 9457, parsed with the contract's schema), an answer the
 * route's contract does not allow (wrong status, wrong body), or no answer at all.
 * Callers branch on codes, never on message text. Problem bodies hold no secrets; the
 * error never holds a request body, nor the text of an answer it could not parse.
 */
import { fieldIssue, problemBody } from '../contracts/problem.js';

export interface FieldProblem {
  path: string;
  message: string;
}

export interface BrokerProblem {
  /** The HTTP status; 0 when no answer came (network, refused redirect). */
  status: number;
  code: string;
  title: string;
  detail?: string;
  requestId?: string;
  errors?: FieldProblem[];
}

export class BrokerClientError extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string | undefined;
  readonly requestId: string | undefined;
  readonly fields: FieldProblem[];
  /** From Retry-After (429, 503), in seconds. */
  readonly retryAfterSeconds: number | undefined;

  constructor(problem: BrokerProblem, options: { retryAfterSeconds?: number; cause?: unknown } = {}) {
    const detail = problem.detail ? `: ${problem.detail}` : '';
    const request = problem.requestId ? ` [request ${problem.requestId}]` : '';
    super(`${headline(problem)}${detail}${request}`, { cause: options.cause });
    this.name = 'BrokerClientError';
    this.status = problem.status;
    this.code = problem.code;
    this.title = problem.title;
    this.detail = problem.detail;
    this.requestId = problem.requestId;
    this.fields = problem.errors ?? [];
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  /** Throttling, a dependency down, a gateway or the network: worth another try later. */
  get transient(): boolean {
    if (this.status === 0) return this.code === 'network_error';
    return this.status === 429 || this.status === 502 || this.status === 503 || this.status === 504;
  }
}

/** `<title> (<code>, HTTP <status>)`: the one line every command prints for a failure. */
export function headline(problem: Pick<BrokerProblem, 'title' | 'code' | 'status'>): string {
  const status = problem.status === 0 ? '' : `, HTTP ${problem.status}`;
  return `${problem.title} (${problem.code}${status})`;
}

/**
 * Reads a failed response. A body that is not problem+json (a gateway's HTML page, a
 * proxy's plain text) still yields an error with the status; its text is not echoed.
 * Each field is taken only when it matches the contract, so one malformed field does not
 * hide the others; API Gateway's own refusals are `{"message": …}`.
 */
export async function problemFromResponse(response: Response, now: () => Date = () => new Date()) {
  const retryAfterSeconds = parseRetryAfter(response.headers.get('retry-after'), now());
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(await response.text());
    if (typeof parsed === 'object' && parsed !== null) body = parsed as Record<string, unknown>;
  } catch {
    // Not JSON: the status alone.
  }
  const text = (name: 'code' | 'title' | 'detail' | 'requestId') => {
    const field = problemBody.shape[name].safeParse(body[name]);
    return field.success ? field.data : undefined;
  };
  const message = problemBody.shape.title.safeParse(body.message);
  const errors = Array.isArray(body.errors)
    ? body.errors.flatMap((entry: unknown) => {
        const issue = fieldIssue.safeParse(entry);
        return issue.success ? [issue.data] : [];
      })
    : undefined;
  return new BrokerClientError(
    {
      status: response.status,
      code: text('code') ?? `http_${response.status}`,
      title:
        text('title') ??
        (message.success ? message.data : undefined) ??
        (response.statusText || 'Request failed'),
      detail: text('detail'),
      requestId: text('requestId') ?? response.headers.get('x-amzn-requestid') ?? undefined,
      errors,
    },
    { retryAfterSeconds },
  );
}

/**
 * An answer the route's contract does not allow: a status it never answers, or a body
 * that does not match. Names the fields only: zod's messages would quote values, and an
 * issued body holds secrets.
 */
export function unexpectedAnswer(
  status: number,
  expected: number,
  problem: { kind: 'status' } | { kind: 'body'; fields: string[] },
): BrokerClientError {
  if (problem.kind === 'status') {
    return new BrokerClientError({
      status,
      code: 'unexpected_status',
      title: `The broker answered HTTP ${status} where this route answers ${expected}`,
    });
  }
  return new BrokerClientError({
    status,
    code: 'invalid_response',
    title: 'The broker answered with a body this route never sends',
    detail: problem.fields.length > 0 ? `fields: ${problem.fields.join(', ')}` : 'not JSON',
  });
}

/** The broker could not be reached at all (DNS, refused connection, timeout) or redirected. */
export function networkError(cause: unknown, url: string): BrokerClientError {
  const inner = cause instanceof Error && cause.cause instanceof Error ? cause.cause : cause;
  const origin = new URL(url).origin;
  if (inner instanceof Error && inner.message === 'unexpected redirect') {
    return new BrokerClientError(
      {
        status: 0,
        code: 'redirect_refused',
        title: 'The endpoint answered with a redirect, which clients never follow',
        detail: `from ${origin}`,
      },
      { cause },
    );
  }
  const timedOut = cause instanceof Error && cause.name === 'TimeoutError';
  const reason = timedOut
    ? 'timed out'
    : inner instanceof Error
      ? ((inner as { code?: string }).code ?? inner.message).slice(0, 200)
      : 'no answer';
  // Nothing listens there: retrying only delays the answer (and the hint to start it).
  const refused = reason === 'ECONNREFUSED';
  return new BrokerClientError(
    {
      status: 0,
      code: refused ? 'connection_refused' : 'network_error',
      title: 'Broker unreachable',
      detail: `cannot reach ${origin}: ${reason}`,
    },
    { cause },
  );
}

/** Retry-After is delay-seconds or an HTTP-date (RFC 9110 §10.2.3). */
export function parseRetryAfter(header: string | null, now: Date): number | undefined {
  if (header === null) return undefined;
  const text = header.trim();
  if (/^\d{1,9}$/.test(text)) return Number(text);
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}
