/**
 * `broker creds`: short-lived credentials from the broker, printed for the consumer that
 * asked. The default format is the AWS `credential_process` contract, so a profile line
 *   credential_process = npx broker creds --grant reports-reader
 * is all an SDK or the AWS CLI needs. Stdout carries the credentials and nothing else;
 * every failure goes to stderr as the problem's title and detail, with an exit code a
 * script can branch on, and never a stack trace.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type IssueInput, makeBrokerApi } from '../../lib/client/broker-api.js';
import { CREDENTIAL_FORMATS, type CredentialsFormat, formatCredentials } from '../../lib/client/formats.js';
import { credentialsSigner, type RequestSigner } from '../../lib/client/signer.js';
import { type CliIo, CONNECTION_OPTIONS, type Command, EXIT, UsageError } from '../command.js';
import { ambientCredentials, localCredentials, resolveEndpoint, signingRegion } from '../credentials.js';
import { reportError, SigningSetupError } from './errors.js';

const HELP = `Usage: broker creds (--grant ID | --role-arn ARN) [options]

Prints short-lived credentials issued by the broker.

  --grant ID            grant id from the grants file
  --role-arn ARN        target role (when exactly one of your grants names it)
  --duration SECONDS    session length within the grant's range
  --policy @FILE|JSON   session policy, inside the grant's ceiling
  --dry-run             print the decision (grant, duration, policy) and mint nothing
  --format FORMAT       credential-process (default) | env | json
  --endpoint URL        broker API (default: $BROKER_ENDPOINT; with --local http://127.0.0.1:$BROKER_PORT or 3000)
  --region REGION       signing region (default: from the endpoint host, else $AWS_REGION)
  --local --as NAME     sign as a dev identity of the local stack (local/dev-identities.json)

Signs with your ambient AWS credentials (the SDK's default chain) unless --local.
Exit codes: 0 ok, 1 usage or invalid request, 2 not authenticated or not allowed,
3 broker or network unavailable.
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

/**
 * Set while we resolve ambient credentials: when the profile that runs `broker creds`
 * as its credential_process is also the profile the default chain signs with, the chain
 * would start us again, forever. The child sees the marker and stops.
 */
const RECURSION_MARKER = 'BROKER_CREDS_SIGNING';

export const credsCommand: Command = {
  summary: 'Print short-lived credentials (credential_process, env or json)',
  async run(argv: string[], io: CliIo): Promise<number> {
    try {
      const { values } = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false });
      if (values.help) {
        await io.stdout(HELP);
        return EXIT.ok;
      }
      const format = parseFormat(values.format);
      const request = issueInput(values);
      const endpoint = resolveEndpoint(values, io.env);
      const signer = makeSigner(values, endpoint, io.env);
      const api = makeBrokerApi({ endpoint, signer });
      if (values['dry-run']) {
        await io.stdout(`${JSON.stringify(await api.dryRun(request), null, 2)}\n`);
        return EXIT.ok;
      }
      const issued = await api.issueCredentials(request);
      await io.stdout(`${formatCredentials(issued, format)}\n`);
      return EXIT.ok;
    } catch (error) {
      return reportError('creds', error, io);
    }
  },
};

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>['values'];

function parseFormat(value: string | undefined): CredentialsFormat {
  if (value === undefined) return 'credential-process';
  const format = CREDENTIAL_FORMATS.find((candidate) => candidate === value);
  if (!format) throw new UsageError(`--format must be one of ${CREDENTIAL_FORMATS.join(', ')}`);
  return format;
}

function issueInput(values: Values): IssueInput {
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

export function makeSigner(
  values: { local?: boolean; as?: string; region?: string },
  endpoint: string,
  env: CliIo['env'],
): RequestSigner {
  const region = values.region ?? signingRegion(endpoint, env);
  if (values.local) {
    if (!values.as) throw new UsageError('--local needs --as NAME (a dev identity of the local stack)');
    return credentialsSigner(localCredentials(values.as, env), { region });
  }
  if (values.as) throw new UsageError('--as is only for the local stack: add --local');
  if (env[RECURSION_MARKER]) {
    throw new UsageError(
      'the AWS profile used to sign is the one that runs broker creds; sign with another profile (AWS_PROFILE=base broker creds ...)',
    );
  }
  return credentialsSigner(
    async () => {
      process.env[RECURSION_MARKER] = '1';
      try {
        return await ambientCredentials();
      } catch (error) {
        throw new SigningSetupError(error instanceof Error ? error.message : String(error));
      } finally {
        delete process.env[RECURSION_MARKER];
      }
    },
    { region },
  );
}
