/**
 * Limits and patterns shared by the grants file, the request contracts, the providers
 * and the clients: each exists here once, so the broker, its OpenAPI document and the
 * CLI cannot disagree about what a grant id or a duration may be.
 */

/** A grant id: 2-63 of lower-case letters, digits and `-`, not starting with `-`. */
export const GRANT_ID_PATTERN = /^[a-z0-9][a-z0-9-]{1,62}$/;

/** IAM names: role and user names are unique per account whatever their path. */
const IAM_NAME = '[\\w+=,.@-]{1,64}';
const IAM_PATH = '(?:/[\\x21-\\x7e]{1,510})?/';
const AWS_PARTITION = 'arn:aws(?:-cn|-us-gov)?';

/** An IAM role or user ARN (who may call: the grants file's callers, auditors). */
export const AWS_PRINCIPAL_ARN_PATTERN = new RegExp(
  `^${AWS_PARTITION}:iam::\\d{12}:(?:role|user)${IAM_PATH}${IAM_NAME}$`,
);

/** An IAM role ARN as a grant names it (path and name checked). */
export const AWS_ROLE_ARN_PATTERN = new RegExp(`^${AWS_PARTITION}:iam::\\d{12}:role${IAM_PATH}${IAM_NAME}$`);

/** A Volcengine role TRN: `trn:iam::{accountId}:role/{name}`. */
export const VOLCENGINE_ROLE_TRN_PATTERN = /^trn:iam::\d{1,20}:role\/[\w+=,.@-]{1,64}$/;

/**
 * A role as a request may name it: any printable-ASCII IAM role ARN, or a Volcengine TRN.
 * Looser than the grants file on purpose: a request only selects among the grant's roles.
 */
export const REQUESTED_ROLE_PATTERN = new RegExp(
  `^(?:${AWS_PARTITION}:iam::\\d{12}:role\\/[\\x21-\\x7e]{1,576}|${VOLCENGINE_ROLE_TRN_PATTERN.source.slice(1, -1)})$`,
);

/** RoleSessionName and SourceIdentity: 2-64 of `[\w+=,.@-]` (both STS flavours). */
export const SESSION_NAME_PATTERN = /^[\w+=,.@-]{2,64}$/;

export const PROVIDERS = ['aws', 'volcengine'] as const;
export type ProviderName = (typeof PROVIDERS)[number];

/**
 * Session durations each provider documents: AWS 900 s up to the role's
 * MaxSessionDuration (at most 43,200 s); Volcengine 900-43,200 s, which it silently clamps
 * to, so the broker checks first.
 */
export const PROVIDER_DURATION_LIMITS: Readonly<Record<ProviderName, { min: number; max: number }>> = {
  aws: { min: 900, max: 43_200 },
  volcengine: { min: 900, max: 43_200 },
};

/** The widest range any provider allows: what a request may ask for before the grant narrows it. */
export const DURATION_LIMITS = { min: 900, max: 43_200 } as const;

/** Which limit set a grant's longest session: the provider, the grant, the role or role chaining. */
export const DURATION_BOUNDS = [
  'provider_maximum',
  'grant_maximum',
  'role_maximum',
  'role_chaining',
] as const;

/** Used when neither the request nor the grant names a duration: the shortest session. */
export const DEFAULT_DURATION_SECONDS = 900;

/** IAM's default MaxSessionDuration of a role. */
export const DEFAULT_ROLE_MAX_SESSION_SECONDS = 3600;

/** AWS caps sessions assumed by a role session (the broker's Lambda role) at one hour. */
export const ROLE_CHAINING_MAX_SECONDS = 3600;

/** Request body limit (413 above it): the default and the most an operator may configure. */
export const BODY_LIMIT_BYTES = { default: 65_536, max: 1_048_576 } as const;

/** Records per page of an audit listing. */
export const AUDIT_PAGE_LIMIT = { min: 1, max: 1000, default: 100 } as const;

/** An assumed-role session ARN. Groups: partition, account, role name, session name. */
export const ASSUMED_ROLE_ARN_PATTERN =
  /^arn:(aws(?:-cn|-us-gov)?):sts::(\d{12}):assumed-role\/([\w+=,.@-]{1,64})\/([\w+=,.@-]{2,64})$/;

/** An IAM role or user ARN with any path. Groups: partition, account, role|user, name. */
export const IAM_PRINCIPAL_ARN_PATTERN =
  /^arn:(aws(?:-cn|-us-gov)?):iam::(\d{12}):(role|user)\/(?:[\x21-\x7e]*\/)?([\w+=,.@-]{1,64})$/;

/** A stored caller key: aws:{account}:role|user/{name} or oidc:{issuer}#{subject}. */
export const CALLER_KEY_PATTERN = /^(?:aws:\d{12}:(?:role|user)\/[\w+=,.@-]{1,64}|oidc:[\x21-\x7e]{1,1024})$/;
