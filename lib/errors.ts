/**
 * One error family for the whole broker. The last middleware of the HTTP chain maps a
 * BrokerError to application/problem+json; anything else becomes a generic 500 whose
 * detail stays in the log. `expose` decides whether `message` may reach the caller:
 * a denied caller must not learn ARNs of other accounts or raw STS messages.
 */
export interface FieldIssue {
  path: string;
  message: string;
}

export interface BrokerErrorOptions {
  expose?: boolean;
  cause?: unknown;
  /** Seconds the caller should wait before retrying (429, 503). */
  retryAfterSeconds?: number;
  /** Field-level problems of invalid input, returned to the caller with the 400. */
  fields?: FieldIssue[];
  /** What happened, for the log and the audit record only (never the response). */
  internalReason?: string;
}

export class BrokerError extends Error {
  readonly expose: boolean;
  readonly retryAfterSeconds: number | undefined;
  readonly fields: FieldIssue[] | undefined;
  readonly internalReason: string | undefined;

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    options: BrokerErrorOptions = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'BrokerError';
    this.expose = options.expose ?? status < 500;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.fields = options.fields;
    this.internalReason = options.internalReason;
  }
}

export const isBrokerError = (error: unknown): error is BrokerError => error instanceof BrokerError;

export const invalidRequest = (message: string, fields?: FieldIssue[]) =>
  new BrokerError(400, 'invalid_request', message, { fields });

export const unauthenticated = (internalReason: string) =>
  new BrokerError(401, 'unauthenticated', 'The request is not authenticated.', { internalReason });

export const forbidden = (internalReason: string) =>
  new BrokerError(403, 'not_allowed', 'This caller may not perform this action.', { internalReason });

export const notFound = (message = 'Not found.') => new BrokerError(404, 'not_found', message);

export const payloadTooLarge = (limitBytes: number) =>
  new BrokerError(413, 'payload_too_large', `The request body exceeds ${limitBytes} bytes.`);

export const rateLimited = (retryAfterSeconds: number) =>
  new BrokerError(429, 'rate_limited', 'Too many issuances for this caller; retry later.', {
    retryAfterSeconds,
  });

export const dependencyUnavailable = (dependency: string, internalReason: string, cause?: unknown) =>
  new BrokerError(503, 'dependency_unavailable', 'A dependency of the broker is unavailable; retry later.', {
    retryAfterSeconds: 5,
    internalReason: `${dependency}: ${internalReason}`,
    cause,
  });
