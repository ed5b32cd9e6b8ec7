/**
 * `broker audit`: the audit trail from the command line, with the API's filters. Exit
 * codes: 0 ok, 1 usage (including a request the server calls invalid), 2 not
 * authenticated or not an auditor, 3 server or network failure, or an answer the API
 * never gives. Errors come in the one error format of every command.
 */
import type { AuditListQuery } from '../../lib/client/broker-api.js';
import { type CliIo, CONNECTION_OPTIONS, type Command, EXIT, type ExitCode, UsageError } from '../command.js';
import { connect } from '../connection.js';
import { defineCommand, type Values } from '../define-command.js';
import { FORMATS, type FormatName, makeFormatter } from '../output.js';

const HELP = `Usage: broker audit [filters] [options]
       broker audit verify [--from T] [--to T] [options]
       broker audit report --from T --to T --html FILE [options]

Lists audit records, newest first. Auditors only.

Filters (combine freely; the API says which it post-filters):
  --caller X          caller key (aws:ACCOUNT:role/NAME) or principal ARN
  --role-arn ARN      target role ARN or TRN
  --grant ID          grant id
  --access-key-id ID  who held this access key (reverse lookup)
  --decision D        INTENT ISSUED FAILED DENIED DRY_RUN VERIFY, or unconfirmed
  --from T            inclusive; ISO 8601 (2024-05-01T14:00:00Z), a UTC date, or epoch s/ms
  --to T              exclusive; same forms
  --id ISSUANCE_ID    one issuance with its status (ISSUED, FAILED, DENIED, DRY_RUN,
                      VERIFY, or UNCONFIRMED) and its whole history (no other filter)

Options:
  --limit N           records per page, 1-1000 (default 100)
  --all               follow cursors to the last page (progress on stderr); without
                      it, stderr says when more pages exist
  --cursor C          start from the cursor a previous page gave (same filters)
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
  cursor: { type: 'string' },
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

const listCommand = defineCommand({
  name: 'audit',
  summary: 'Query the audit trail (auditors only)',
  help: HELP,
  options: OPTIONS,
  run: runAudit,
});

/** `broker audit [filters]`, or `broker audit verify|report` (loaded only when used). */
export const auditCommand: Command = {
  summary: listCommand.summary,
  async run(argv, io) {
    const [subcommand, ...rest] = argv;
    if (subcommand === 'verify' || subcommand === 'report') {
      return (await import('./audit-evidence.js')).auditEvidenceCommand(subcommand).run(rest, io);
    }
    return listCommand.run(argv, io);
  },
};

async function runAudit(values: Values<typeof OPTIONS>, io: CliIo): Promise<ExitCode> {
  const format = checkFormat(values.format ?? 'table');
  const query: AuditListQuery = {};
  for (const [flag, parameter] of FILTERS) query[parameter] = values[flag];
  if (values.limit !== undefined) query.limit = checkLimit(values.limit);
  query.cursor = values.cursor;
  if (values.id !== undefined && Object.entries(query).some(([key, value]) => key !== 'limit' && value)) {
    throw new UsageError('--id takes no filters');
  }
  const api = connect(values, io, { defaultLocalIdentity: 'security-audit' });
  const formatter = makeFormatter(format);

  if (values.id !== undefined) {
    const history = await api.getIssuance(values.id);
    io.stderr(`broker: issuance ${history.issuanceId}: ${history.status}\n`);
    await io.stdout(formatter.page(history.items) + formatter.end());
    return EXIT.ok;
  }

  let pages = 0;
  let records = 0;
  for (;;) {
    let page: Awaited<ReturnType<typeof api.listIssuances>>;
    try {
      page = await api.listIssuances(query);
    } catch (error) {
      if (pages > 0) io.stderr(`broker: stopped after ${records} records; the output is incomplete\n`);
      throw error;
    }
    pages += 1;
    records += page.items.length;
    await io.stdout(formatter.page(page.items));
    if (page.cursor === undefined) break;
    if (!values.all) {
      io.stderr(`broker: more records exist: add --all, or --cursor ${page.cursor}\n`);
      break;
    }
    io.stderr(`broker: ${records} records after page ${pages}, fetching more…\n`);
    query.cursor = page.cursor;
  }
  await io.stdout(formatter.end());
  if (values.all && pages > 1) io.stderr(`broker: done, ${records} records in ${pages} pages\n`);
  return EXIT.ok;
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
