/**
 * `broker audit`: the audit trail from the command line, with the API's filters. Exit
 * codes: 0 ok, 1 usage (including a request the server calls invalid), 2 not
 * authenticated or not an auditor, 3 server or network failure. Errors are one line of
 * the problem's title and detail on stderr, never a stack trace.
 */
import { parseArgs } from 'node:util';
import { type ApiResult, type ApiTarget, getJson } from '../api-client.js';
import { type CliIo, CONNECTION_OPTIONS, type Command, EXIT, type ExitCode, UsageError } from '../command.js';
import { ambientCredentials, localCredentials, resolveEndpoint, signingRegion } from '../credentials.js';
import { FORMATS, type FormatName, makeFormatter, type Row } from '../output.js';

const HELP = `Usage: broker audit [filters] [options]

Lists audit records, newest first. Auditors only.

Filters (combine freely; the API says which it post-filters):
  --caller X          caller key (aws:ACCOUNT:role/NAME) or principal ARN
  --role-arn ARN      target role ARN or TRN
  --grant ID          grant id
  --access-key-id ID  who held this access key (reverse lookup)
  --decision D        INTENT ISSUED FAILED DENIED DRY_RUN VERIFY, or unconfirmed
  --from T            inclusive; ISO 8601 (2024-05-01T14:00:00Z), a UTC date, or epoch s/ms
  --to T              exclusive; same forms
  --id ISSUANCE_ID    one issuance with its whole history (no other filter)

Options:
  --limit N           records per page, 1-1000 (default 100)
  --all               follow cursors to the last page (progress on stderr)
  --format F          table (default), json, csv, ndjson
  --endpoint URL      broker API (default: $BROKER_ENDPOINT; with --local http://127.0.0.1:$BROKER_PORT or 3000)
  --region R          SigV4 region (default: from the endpoint host, else $AWS_REGION, else us-east-1)
  --local             sign as a dev identity of the local stack (local/dev-identities.json)
  --as NAME           with --local: the dev identity's role or user name (default security-audit)
  -h, --help          this text

Signing: your ambient AWS credentials (default provider chain) unless --local.
Exit codes: 0 ok, 1 usage, 2 authentication/permission, 3 server/network.
`;

const OPTIONS = {
  caller: { type: 'string' },
  'role-arn': { type: 'string' },
  grant: { type: 'string' },
  'access-key-id': { type: 'string' },
  decision: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  id: { type: 'string' },
  limit: { type: 'string' },
  all: { type: 'boolean' },
  format: { type: 'string' },
  ...CONNECTION_OPTIONS,
} as const;

/** CLI flag → API query parameter. */
const FILTERS = [
  ['caller', 'caller'],
  ['role-arn', 'roleArn'],
  ['grant', 'grant'],
  ['access-key-id', 'accessKeyId'],
  ['decision', 'decision'],
  ['from', 'from'],
  ['to', 'to'],
] as const;

type Values = ReturnType<typeof parse>['values'];

const parse = (argv: string[]) =>
  parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false });

export const auditCommand: Command = {
  summary: 'Query the audit trail (auditors only)',
  async run(argv, io) {
    try {
      const { values } = parse(argv);
      if (values.help) {
        await io.stdout(HELP);
        return EXIT.ok;
      }
      return await runAudit(values, io);
    } catch (error) {
      if (error instanceof AuthSetupError) {
        io.stderr(
          `broker audit: no usable AWS credentials (${error.message}); try --local --as NAME locally\n`,
        );
        return EXIT.auth;
      }
      if (error instanceof UsageError || isParseArgsError(error)) {
        io.stderr(`broker audit: ${(error as Error).message}\nRun 'broker audit --help' for usage.\n`);
        return EXIT.usage;
      }
      io.stderr(`broker audit: ${error instanceof Error ? error.message : String(error)}\n`);
      return EXIT.server;
    }
  },
};

async function runAudit(values: Values, io: CliIo): Promise<ExitCode> {
  const format = checkFormat(values.format ?? 'table');
  const query = new URLSearchParams();
  for (const [flag, parameter] of FILTERS) {
    const value = values[flag];
    if (value !== undefined) query.set(parameter, value);
  }
  if (values.limit !== undefined) query.set('limit', checkLimit(values.limit));
  if (values.id !== undefined && [...query.keys()].some((key) => key !== 'limit')) {
    throw new UsageError('--id takes no filters');
  }
  if (values.as !== undefined && !values.local) throw new UsageError('--as needs --local');

  const endpoint = resolveEndpoint(values, io.env);
  const target: ApiTarget = {
    endpoint,
    region: values.region ?? signingRegion(endpoint, io.env),
    credentials: values.local
      ? localCredentials(values.as ?? 'security-audit', io.env)
      : await ambientCredentials().catch((error: unknown) => {
          throw new AuthSetupError(error instanceof Error ? error.message : String(error));
        }),
    timeoutMs: 30_000,
  };
  const formatter = makeFormatter(format);

  if (values.id !== undefined) {
    const result = await getJson(
      target,
      `/v1/issuances/${encodeURIComponent(values.id)}`,
      new URLSearchParams(),
    );
    if (result.kind !== 'ok') return report(result, io);
    await io.stdout(formatter.page(itemsOf(result.body)) + formatter.end());
    return EXIT.ok;
  }

  let pages = 0;
  let records = 0;
  for (;;) {
    const result = await getJson(target, '/v1/issuances', query);
    if (result.kind !== 'ok') {
      if (pages > 0) io.stderr(`broker audit: stopped after ${records} records; the output is incomplete\n`);
      return report(result, io);
    }
    const items = itemsOf(result.body);
    pages += 1;
    records += items.length;
    await io.stdout(formatter.page(items));
    const cursor = cursorOf(result.body);
    if (!values.all || cursor === undefined) break;
    io.stderr(`broker audit: ${records} records after page ${pages}, fetching more…\n`);
    query.set('cursor', cursor);
  }
  await io.stdout(formatter.end());
  if (values.all && pages > 1) io.stderr(`broker audit: done, ${records} records in ${pages} pages\n`);
  return EXIT.ok;
}

/** Missing or unusable ambient credentials: an authentication problem, exit 2. */
class AuthSetupError extends Error {
  override name = 'AuthSetupError';
}

function report(result: Exclude<ApiResult, { kind: 'ok' }>, io: CliIo): ExitCode {
  if (result.kind === 'unreachable') {
    io.stderr(`broker audit: ${result.reason}\n`);
    return EXIT.server;
  }
  const tags = [String(result.status), result.code, result.requestId && `request ${result.requestId}`];
  const detail = result.detail ? `: ${result.detail}` : '';
  io.stderr(`broker audit: ${result.title}${detail} (${tags.filter(Boolean).join(', ')})\n`);
  for (const field of result.fields) io.stderr(`  ${field}\n`);
  if (result.status === 401 || result.status === 403) return EXIT.auth;
  return result.status >= 500 ? EXIT.server : EXIT.usage;
}

function checkFormat(format: string): FormatName {
  const known = FORMATS.find((name) => name === format);
  if (!known) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}`);
  return known;
}

function checkLimit(limit: string): string {
  const n = Number(limit);
  if (!/^\d{1,4}$/.test(limit) || n < 1 || n > 1000)
    throw new UsageError('--limit must be an integer from 1 to 1000');
  return limit;
}

function itemsOf(body: unknown): Row[] {
  const items = typeof body === 'object' && body !== null ? (body as { items?: unknown }).items : undefined;
  return Array.isArray(items)
    ? items.filter((item): item is Row => typeof item === 'object' && item !== null)
    : [];
}

function cursorOf(body: unknown): string | undefined {
  const cursor =
    typeof body === 'object' && body !== null ? (body as { cursor?: unknown }).cursor : undefined;
  return typeof cursor === 'string' ? cursor : undefined;
}

const isParseArgsError = (error: unknown) =>
  error instanceof TypeError && String((error as { code?: unknown }).code ?? '').startsWith('ERR_PARSE_ARGS');
