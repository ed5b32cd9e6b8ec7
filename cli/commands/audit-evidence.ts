/**
 * `broker audit verify` and `broker audit report`: the digest chain checked through the
 * audit API, and an HTML report for people. Exit codes: 0 everything sealed holds (verify)
 * or the report is written, 1 usage, 2 authentication/permission, 3 server or network,
 * 4 verification found a problem (the report is still written, and says so).
 */
import { writeFileSync } from 'node:fs';
import { type Finding, type VerifyReport, verifyAuditTrail } from '../../lib/audit/digest/verify.js';
import { networkError, problemFromResponse, unexpectedAnswer } from '../../lib/client/problem.js';
import { parseInstant } from '../../lib/contracts/instant.js';
import { apiVerifySources, type GetJson, recordsBetween } from '../audit-evidence/api-sources.js';
import { auditReportHtml } from '../audit-evidence/report-html.js';
import { type CliIo, CONNECTION_OPTIONS, type Command, EXIT, type ExitCode, UsageError } from '../command.js';
import { type ConnectionValues, makeSigner, resolveEndpoint } from '../connection.js';
import { defineCommand, type Values } from '../define-command.js';

const HELP = {
  verify: `Usage: broker audit verify [--from T] [--to T] [options]

Checks the sealed digest chain of the audit trail through the API: every digest's
signature (against GET /v1/audit/public-key), the link from each digest to the one
before, and every record of every sealed window against its digest. Auditors only.
Problems are named: MODIFIED, DELETED, INSERTED_AFTER_SEAL, CHAIN_BROKEN, BAD_SIGNATURE;
UNSEALED (records newer than the last sealed window) is reported but is not a failure.

  --from T            windows starting at or after T (default: the first sealed window)
  --to T              windows starting before T (default: now)
  --format F          text (default) or json
`,
  report: `Usage: broker audit report --from T --to T --html FILE [options]

Writes one self-contained HTML file (no script, no network): issuances and refusals
over time, top callers and grants, refusal reasons, unconfirmed and unknown sessions,
and the verification of the digest chain for the range. Auditors only.

  --from T, --to T    the range (required; ISO 8601, a UTC date, or epoch s/ms)
  --html FILE         where to write the report
`,
};

const CONNECTION_HELP = `
Connection options:
  --endpoint URL      broker API (default: $BROKER_ENDPOINT; with --local http://127.0.0.1:$BROKER_PORT or 3000)
  --region R          SigV4 region (default: from the endpoint host, else $AWS_REGION, else us-east-1)
  --local             sign as a dev identity of the local stack (local/dev-identities.json)
  --as NAME           with --local: the dev identity's role or user name (default security-audit)
  -h, --help          this text

Exit codes: 0 ok, 1 usage, 2 authentication/permission, 3 server/network, 4 evidence does not hold.
`;

const OPTIONS = {
  from: { type: 'string' },
  to: { type: 'string' },
  format: { type: 'string' },
  html: { type: 'string' },
  ...CONNECTION_OPTIONS,
} as const;

export const auditEvidenceCommand = (subcommand: 'verify' | 'report'): Command =>
  defineCommand({
    name: `audit ${subcommand}`,
    summary: subcommand === 'verify' ? 'Verify the sealed audit digest chain' : 'Write an HTML audit report',
    help: HELP[subcommand] + CONNECTION_HELP,
    options: OPTIONS,
    run: (values, io) => runAuditEvidence(subcommand, values, io),
  });

/**
 * Signed GETs whose JSON body is handed over as received (records are hashed exactly as
 * the API sent them); a problem, a redirect or another status is the client's usual error.
 */
function rawGet(values: ConnectionValues, io: CliIo): GetJson {
  const endpoint = resolveEndpoint(values, io.env);
  const signer = makeSigner(values, endpoint, io.env, 'security-audit');
  return async (path, query) => {
    const url = `${endpoint}${path}${query.size > 0 ? `?${query}` : ''}`;
    const headers = await signer(url, { method: 'GET' });
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'GET',
        headers,
        redirect: 'error',
        signal: AbortSignal.timeout(30_000),
      });
    } catch (error) {
      throw networkError(error, url);
    }
    if (response.status >= 400) throw await problemFromResponse(response);
    if (response.status !== 200) {
      await response.body?.cancel();
      throw unexpectedAnswer(response.status, 200, { kind: 'status' });
    }
    try {
      return JSON.parse(await response.text()) as unknown;
    } catch {
      throw unexpectedAnswer(response.status, 200, { kind: 'body', fields: [] });
    }
  };
}

async function runAuditEvidence(
  subcommand: 'verify' | 'report',
  values: Values<typeof OPTIONS>,
  io: CliIo,
): Promise<ExitCode> {
  const from = instantOption('--from', values.from);
  const to = instantOption('--to', values.to);
  if (subcommand === 'report' && (from === undefined || to === undefined || values.html === undefined)) {
    throw new UsageError('report needs --from, --to and --html FILE');
  }
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError('--format must be text or json');
  const get = rawGet(values, io);
  const now = new Date();
  const verification = await verifyAuditTrail(await apiVerifySources(get), { from, to, now });
  if (subcommand === 'verify') {
    await io.stdout(
      format === 'json' ? `${JSON.stringify(verification, null, 2)}\n` : verifyText(verification),
    );
    return verification.ok ? EXIT.ok : EXIT.evidence;
  }
  const reportFrom = from ?? now.toISOString();
  const reportTo = to ?? now.toISOString();
  const records = await recordsBetween(get, reportFrom, reportTo);
  const file = values.html ?? '';
  writeFileSync(
    file,
    auditReportHtml({
      from: reportFrom,
      to: reportTo,
      generatedAt: now.toISOString(),
      records,
      verify: verification,
    }),
  );
  io.stderr(
    `broker: wrote ${file} (${records.length} records; chain ${verification.ok ? 'verified' : 'has PROBLEMS'})\n`,
  );
  return verification.ok ? EXIT.ok : EXIT.evidence;
}

function instantOption(flag: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const instant = parseInstant(value);
  if (instant === undefined)
    throw new UsageError(`${flag} must be ISO 8601 with a zone, a UTC date, or epoch s/ms`);
  return instant;
}

const findingLine = (finding: Finding) =>
  [
    finding.code.padEnd(19),
    finding.recordId ?? '-',
    finding.window ? `${finding.window.start} – ${finding.window.end}` : '',
    finding.detail,
  ]
    .filter(Boolean)
    .join('  ');

function verifyText(verification: VerifyReport): string {
  const lines = verification.findings.map(findingLine);
  const problems = verification.findings.filter((finding) => finding.code !== 'UNSEALED').length;
  const scope = `${verification.windows} sealed windows, ${verification.records} records${verification.sealedThrough ? `, sealed through ${verification.sealedThrough}` : ''}`;
  lines.push(
    verification.ok ? `OK: ${scope}; everything sealed holds` : `FAILED: ${problems} problem(s) in ${scope}`,
  );
  return `${lines.join('\n')}\n`;
}
