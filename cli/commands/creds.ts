/**
 * `broker creds`: short-lived credentials from the broker, printed for the consumer that
 * asked. The default format is the AWS `credential_process` contract, so a profile line
 *   credential_process = /usr/local/bin/broker creds --grant reports-reader
 * is all an SDK or the AWS CLI needs. Stdout carries the credentials and nothing else;
 * every failure goes to stderr in the one error format, with an exit code a script can
 * branch on, and never a stack trace.
 */
import { readFileSync } from 'node:fs';
import type { BrokerApi, IssueInput } from '../../lib/client/broker-api.js';
import {
  assertCredentialProcessProvider,
  CREDENTIAL_FORMATS,
  type CredentialsFormat,
  formatCredentials,
} from '../../lib/client/formats.js';
import { CONNECTION_OPTIONS, EXIT, UsageError } from '../command.js';
import { connect } from '../connection.js';
import { defineCommand, type Values } from '../define-command.js';

const HELP = `Usage: broker creds (--grant ID | --role-arn ARN) [options]

Prints short-lived credentials issued by the broker.

  --grant ID            grant id from the grants file
  --role-arn ARN        target role (when exactly one of your grants names it)
  --duration SECONDS    session length within the grant's range
  --policy @FILE|JSON   session policy, inside the grant's ceiling
  --dry-run             print the decision (grant, duration, policy) and mint nothing
  --format FORMAT       credential-process (default; AWS grants only) | env | json
  --endpoint URL        broker API, https:// (default: $BROKER_ENDPOINT; with --local http://127.0.0.1:$BROKER_PORT or 3000)
  --region REGION       signing region (default: from the endpoint host, else $AWS_REGION)
  --local --as NAME     sign as a dev identity of the local stack (local/dev-identities.json)

--format env prints export lines for the grant's provider: AWS_* for AWS, VOLC_* and
VOLCENGINE_* for Volcengine. json includes the provider. credential-process first asks
for your grants (GET /v1/grants/mine) and refuses a Volcengine grant before any issuance.
Signs with your ambient AWS credentials (the SDK's default chain) unless --local.
Exit codes: 0 ok, 1 usage or invalid request, 2 not authenticated or not allowed,
3 broker or network unavailable, or an answer the broker never gives.
`;

const OPTIONS = {
  grant: { type: 'string' },
  'role-arn': { type: 'string' },
  duration: { type: 'string' },
  policy: { type: 'string' },
  'dry-run': { type: 'boolean' },
  format: { type: 'string' },
  ...CONNECTION_OPTIONS,
} as const;

export const credsCommand = defineCommand({
  name: 'creds',
  summary: 'Print short-lived credentials (credential_process, env or json)',
  help: HELP,
  options: OPTIONS,
  async run(values, io) {
    const format = parseFormat(values.format);
    const request = issueInput(values);
    const api = connect(values, io);
    if (values['dry-run']) {
      await io.stdout(`${JSON.stringify(await api.dryRun(request), null, 2)}\n`);
      return EXIT.ok;
    }
    if (format === 'credential-process') await refuseOtherProviders(api, request);
    const issued = await api.issueCredentials(request);
    await io.stdout(`${formatCredentials(issued, format)}\n`);
    return EXIT.ok;
  },
});

/**
 * credential_process carries AWS credentials only. The provider of the grant is asked first
 * (GET /v1/grants/mine), so a Volcengine grant is refused before anything is minted rather
 * than after an issuance whose credentials would be thrown away. A grant missing from the
 * list goes on to the broker, which refuses (and records) it itself; if the grants file
 * changed in between, formatCredentials still refuses the answer.
 */
async function refuseOtherProviders(api: BrokerApi, request: IssueInput): Promise<void> {
  const { grants } = await api.listMyGrants();
  for (const grant of grants) {
    const named = 'grant' in request ? grant.id === request.grant : grant.role === request.roleArn;
    if (named) assertCredentialProcessProvider(grant.provider);
  }
}

function parseFormat(value: string | undefined): CredentialsFormat {
  if (value === undefined) return 'credential-process';
  const format = CREDENTIAL_FORMATS.find((candidate) => candidate === value);
  if (!format) throw new UsageError(`--format must be one of ${CREDENTIAL_FORMATS.join(', ')}`);
  return format;
}

function issueInput(values: Values<typeof OPTIONS>): IssueInput {
  const grant = values.grant;
  const roleArn = values['role-arn'];
  if ((grant === undefined) === (roleArn === undefined)) {
    throw new UsageError('give exactly one of --grant or --role-arn');
  }
  const extras = {
    ...(values.duration === undefined ? {} : { durationSeconds: parseDuration(values.duration) }),
    ...(values.policy === undefined ? {} : { policy: readPolicy(values.policy) }),
  };
  return grant !== undefined ? { grant, ...extras } : { roleArn: roleArn ?? '', ...extras };
}

function parseDuration(text: string): number {
  if (!/^\d{1,6}$/.test(text)) throw new UsageError('--duration must be a whole number of seconds');
  return Number(text);
}

/** `@file.json` reads a file (like the AWS CLI's file:// and curl's @); anything else is JSON text. */
function readPolicy(argument: string): Record<string, unknown> {
  let text = argument;
  if (argument.startsWith('@')) {
    try {
      text = readFileSync(argument.slice(1), 'utf8');
    } catch (error) {
      const code = (error as { code?: string }).code ?? 'unreadable';
      throw new UsageError(`--policy: cannot read ${argument.slice(1)} (${code})`);
    }
  }
  let policy: unknown;
  try {
    policy = JSON.parse(text);
  } catch {
    throw new UsageError('--policy is not valid JSON');
  }
  if (typeof policy !== 'object' || policy === null || Array.isArray(policy)) {
    throw new UsageError('--policy must be a JSON object (an IAM policy document)');
  }
  return policy as Record<string, unknown>;
}
