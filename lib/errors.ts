/**
 * The error catalogue: every code the broker answers with, its HTTP status, its problem
 * title and type URI, and one factory per code. The codes are public API (clients branch
 * on them, auditors see them as DENIED/FAILED reasons): never rename one.
 *
 * One error family for the whole broker. The last middleware of the HTTP chain maps a
 * BrokerError to application/problem+json; anything else becomes a generic 500 whose
 * detail stays in the log. `expose` decides whether `message` may reach the caller:
 * a denied caller must not learn ARNs of other accounts or raw STS messages.
 */

/** Base of every problem `type` URI (RFC 9457): the code is appended. */
export const PROBLEM_TYPE_BASE = 'https://github.com/credential-broker/problems/';

interface CatalogueEntry {
  status: number;
  title: string;
  /** When the broker answers with this code, for the API documentation. */
  when: string;
}

export const ERROR_CATALOGUE = {
  invalid_request: {
    status: 400,
    title: 'Invalid request',
    when: 'The body, query string or path parameter does not match the route schema (field paths in `errors`).',
  },
  ambiguous_role: {
    status: 400,
    title: 'Ambiguous role',
    when: 'Several grants name the requested roleArn for this caller; name the grant instead.',
  },
  duration_out_of_range: {
    status: 400,
    title: 'Duration out of range',
    when: 'durationSeconds is outside the range of the grant (or of the provider); the detail says the range.',
  },
  invalid_policy: {
    status: 400,
    title: 'Invalid policy',
    when: 'The requested session policy does not parse as a policy of the grant provider.',
  },
  policy_outside_ceiling: {
    status: 400,
    title: 'Policy outside the grant',
    when: 'The requested session policy allows something the grant ceiling policy does not.',
  },
  provider_rejected_request: {
    status: 400,
    title: 'Provider rejected the request',
    when: 'STS refused the parameters of the AssumeRole call (e.g. a chained role over 3600 s).',
  },
  invalid_range: {
    status: 400,
    title: 'Invalid time range',
    when: 'An audit query whose `from` is not before its `to`.',
  },
  range_too_wide: {
    status: 400,
    title: 'Time range too wide',
    when: 'An audit query without a selective filter spans more days than allowed.',
  },
  invalid_cursor: {
    status: 400,
    title: 'Invalid cursor',
    when: 'An audit cursor that is tampered with, foreign, or was made for other filters.',
  },
  unauthenticated: {
    status: 401,
    title: 'Unauthenticated',
    when: 'No or invalid authentication (SigV4 on the IAM routes, a bearer JWT on the /oidc/ routes).',
  },
  not_allowed: {
    status: 403,
    title: 'Forbidden',
    when: 'No grant allows this caller this role, the caller or grant is disabled, STS denied the call, or a non-auditor asked for an auditor route. The message is the same in every case.',
  },
  not_found: { status: 404, title: 'Not found', when: 'No audit record has this issuance id.' },
  payload_too_large: {
    status: 413,
    title: 'Payload too large',
    when: 'The request body exceeds the configured limit.',
  },
  rate_limited: {
    status: 429,
    title: 'Too many requests',
    when: 'The caller is over one of its rate budgets (requests, issuances of a grant, audit queries); Retry-After says when to retry.',
  },
  internal_error: {
    status: 500,
    title: 'Internal error',
    when: 'An unexpected failure; the detail stays in the log.',
  },
  grant_misconfigured: {
    status: 500,
    title: 'Grant misconfigured',
    when: 'The grant cannot be served for this caller (a session tag or role the provider would refuse); the reason goes to the log and the audit record.',
  },
  provider_auth_failed: {
    status: 500,
    title: 'Provider authentication failed',
    when: 'The broker could not authenticate to the provider (its own credentials).',
  },
  dependency_unavailable: {
    status: 503,
    title: 'Service unavailable',
    when: 'STS, the audit table or the rate-limit table failed or timed out; Retry-After says when to retry.',
  },
  provider_not_configured: {
    status: 503,
    title: 'Provider not configured',
    when: "The grant's provider has no issuer in this deployment (e.g. Volcengine without credentials).",
  },
} as const satisfies Record<string, CatalogueEntry>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export const ERROR_CODES = Object.keys(ERROR_CATALOGUE) as ErrorCode[];

export const problemType = (code: ErrorCode) => `${PROBLEM_TYPE_BASE}${code}`;

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
  /**
   * The provider call was sent and then timed out or was cut off: a session may exist.
   * The issuance is recorded as UNKNOWN, not FAILED.
   */
  outcomeUnknown?: boolean;
}

/** Built only by the factories below, so a code always travels with its status and title. */
export class BrokerError extends Error {
  readonly status: number;
  readonly title: string;
  readonly type: string;
  readonly expose: boolean;
  readonly retryAfterSeconds: number | undefined;
  readonly fields: FieldIssue[] | undefined;
  readonly internalReason: string | undefined;
  readonly outcomeUnknown: boolean;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options: BrokerErrorOptions = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'BrokerError';
    this.status = ERROR_CATALOGUE[code].status;
    this.title = ERROR_CATALOGUE[code].title;
    this.type = problemType(code);
    this.expose = options.expose ?? this.status < 500;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.fields = options.fields;
    this.internalReason = options.internalReason;
    this.outcomeUnknown = options.outcomeUnknown ?? false;
  }
}

export const isBrokerError = (error: unknown): error is BrokerError => error instanceof BrokerError;

// 400

export const invalidRequest = (message: string, fields?: FieldIssue[]) =>
  new BrokerError('invalid_request', message, { fields });

export const ambiguousRole = () =>
  new BrokerError('ambiguous_role', 'Several grants name this role for this caller; name the grant.');

/** `scope` ends the sentence: "for this grant (maximum set by …)", "for Volcengine". */
export const durationOutOfRange = (range: { min: number; max: number }, scope: string) =>
  new BrokerError(
    'duration_out_of_range',
    `durationSeconds must be an integer from ${range.min} to ${range.max} ${scope}.`,
    { fields: [{ path: 'durationSeconds', message: `allowed range ${range.min}-${range.max}` }] },
  );

export const invalidPolicy = (fields: FieldIssue[]) =>
  new BrokerError('invalid_policy', 'The requested policy is not accepted.', { fields });

export const policyOutsideCeiling = (explanation: readonly string[]) =>
  new BrokerError('policy_outside_ceiling', 'The requested policy is not contained in the grant.', {
    fields: explanation.map((message) => ({ path: 'policy', message })),
  });

export const providerRejectedRequest = (
  internalReason: string,
  options: { message?: string; cause?: unknown } = {},
) =>
  new BrokerError(
    'provider_rejected_request',
    options.message ?? 'The provider rejected the request parameters.',
    { internalReason, cause: options.cause },
  );

export const invalidRange = () =>
  new BrokerError('invalid_range', '`from` must be before `to` (from is inclusive, to exclusive).');

export const rangeTooWide = (maxDays: number) =>
  new BrokerError(
    'range_too_wide',
    `Without a caller, roleArn, grant, accessKeyId or decision filter the range may span at most ${maxDays} days.`,
  );

export const invalidCursor = () =>
  new BrokerError('invalid_cursor', 'The cursor is invalid, tampered with, or was made for other filters.');

// 401, 403, 404, 413, 429

export const unauthenticated = (internalReason: string) =>
  new BrokerError('unauthenticated', 'The request is not authenticated.', { internalReason });

export const forbidden = (internalReason: string) =>
  new BrokerError('not_allowed', 'This caller may not perform this action.', { internalReason });

export const notFound = (message = 'Not found.') => new BrokerError('not_found', message);

export const payloadTooLarge = (limitBytes: number) =>
  new BrokerError('payload_too_large', `The request body exceeds ${limitBytes} bytes.`);

export const rateLimited = (retryAfterSeconds: number) =>
  new BrokerError('rate_limited', 'Too many requests from this caller; retry later.', { retryAfterSeconds });

// 5xx: the message never reaches the caller.

export const internalError = (cause: unknown) =>
  new BrokerError('internal_error', 'Internal error.', { cause, expose: false });

/** The grant cannot be served: a broker configuration problem, not something the caller can fix. */
export const grantMisconfigured = (internalReason: string) =>
  new BrokerError('grant_misconfigured', 'The grant cannot be used for this caller.', { internalReason });

export const providerAuthFailed = (internalReason: string) =>
  new BrokerError('provider_auth_failed', 'The broker could not authenticate to the provider.', {
    internalReason,
  });

export const dependencyUnavailable = (
  dependency: string,
  internalReason: string,
  cause?: unknown,
  options: { outcomeUnknown?: boolean } = {},
) =>
  new BrokerError('dependency_unavailable', 'A dependency of the broker is unavailable; retry later.', {
    retryAfterSeconds: 5,
    internalReason: `${dependency}: ${internalReason}`,
    cause,
    outcomeUnknown: options.outcomeUnknown,
  });

export const providerNotConfigured = () =>
  new BrokerError('provider_not_configured', 'This provider is not configured.');
