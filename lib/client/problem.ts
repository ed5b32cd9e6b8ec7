/**
 * The broker answers errors as application/problem+json (RFC 9457). Clients turn them
 * into one error type carrying the stable `code`, so callers branch on codes, never on
 * message text. Problem bodies hold no secrets; the error never holds a request body.
 */

export interface FieldProblem {
  path: string;
  message: string;
}

export interface BrokerProblem {
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
    super(describe(problem), { cause: options.cause });
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
    return (
      this.status === 0 ||
      this.status === 429 ||
      this.status === 502 ||
      this.status === 503 ||
      this.status === 504
    );
  }
}

function describe(problem: BrokerProblem): string {
  const detail = problem.detail ? `: ${problem.detail}` : '';
  const request = problem.requestId ? `, request ${problem.requestId}` : '';
  return `${problem.title}${detail} (${problem.code}, HTTP ${problem.status}${request})`;
}

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

function fieldsOf(value: unknown): FieldProblem[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.flatMap((entry: unknown) => {
    if (typeof entry !== 'object' || entry === null) return [];
    const { path, message } = entry as Record<string, unknown>;
    return typeof path === 'string' && typeof message === 'string' ? [{ path, message }] : [];
  });
}

/**
 * Reads a failed response. A body that is not problem+json (a gateway's HTML page, a
 * proxy's plain text) still yields an error with the status; its text is not echoed.
 */
export async function problemFromResponse(response: Response, now: () => Date = () => new Date()) {
  const retryAfterSeconds = parseRetryAfter(response.headers.get('retry-after'), now());
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(await response.text());
    if (typeof parsed === 'object' && parsed !== null) body = parsed as Record<string, unknown>;
  } catch {
    // Not JSON: fall back to the status alone.
  }
  return new BrokerClientError(
    {
      status: response.status,
      code: str(body.code) ?? `http_${response.status}`,
      title: str(body.title) ?? (response.statusText || 'Request failed'),
      detail: str(body.detail),
      requestId: str(body.requestId) ?? response.headers.get('x-amzn-requestid') ?? undefined,
      errors: fieldsOf(body.errors),
    },
    { retryAfterSeconds },
  );
}

/** The broker could not be reached at all (DNS, refused connection, timeout). */
export function networkError(cause: unknown): BrokerClientError {
  const reason =
    cause instanceof Error ? (cause.cause instanceof Error ? cause.cause.message : cause.message) : '';
  return new BrokerClientError(
    {
      status: 0,
      code: 'network_error',
      title: 'Broker unreachable',
      detail: reason ? reason.slice(0, 200) : undefined,
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
