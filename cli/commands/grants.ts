/**
 * `broker grants`: your grants (GET /v1/grants/mine, any caller): role, durations, ceiling.
 * `broker grants --all`: every grant of the running configuration with its last check
 * (GET /v1/grants, auditors only).
 */
import type { GrantsList, MyGrantsList } from '../../lib/client/broker-api.js';
import { CONNECTION_OPTIONS, EXIT, UsageError } from '../command.js';
import { connect } from '../connection.js';
import { defineCommand } from '../define-command.js';
import { tableCell, terminalText, textTable } from '../output.js';

const HELP = `Usage: broker grants [--all] [options]

Lists the grants you may use (GET /v1/grants/mine): per grant its provider, role, default
and maximum duration (and the limit that sets the maximum), its session tag keys, and its
ceiling policy: a session policy you request must lie inside it.

  --all                 every grant of the running configuration with its last scheduled
                        check (GET /v1/grants, auditors only)
  --format FORMAT       table (default) | json
  --endpoint URL        broker API, https:// (default: $BROKER_ENDPOINT; with --local http://127.0.0.1:$BROKER_PORT or 3000)
  --region REGION       signing region
  --local --as NAME     sign as a dev identity of the local stack (with --all, default security-audit)

Exit codes: 0 ok (an empty list too), 1 usage, 2 not authenticated or not allowed,
3 broker or network unavailable.
`;

const FORMATS = ['table', 'json'] as const;

const OPTIONS = { all: { type: 'boolean' }, format: { type: 'string' }, ...CONNECTION_OPTIONS } as const;

export const grantsCommand = defineCommand({
  name: 'grants',
  summary: 'List your grants (role, durations, ceiling), or every grant with --all',
  help: HELP,
  options: OPTIONS,
  async run(values, io) {
    const format = FORMATS.find((name) => name === (values.format ?? 'table'));
    if (!format) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}`);
    const json = (answer: unknown) => `${JSON.stringify(answer, null, 2)}\n`;
    if (values.all) {
      const list = await connect(values, io, { defaultLocalIdentity: 'security-audit' }).listGrants();
      await io.stdout(format === 'json' ? json(list) : renderGrants(list));
    } else {
      const list = await connect(values, io).listMyGrants();
      await io.stdout(format === 'json' ? json(list) : renderMyGrants(list));
    }
    return EXIT.ok;
  },
});

const BOUND_NAMES = {
  provider_maximum: 'provider maximum',
  grant_maximum: 'grant maximum',
  role_maximum: 'role maximum',
  role_chaining: 'role chaining',
} as const;

/** A table of the caller's grants, then each ceiling policy in full (they do not fit a cell). */
export function renderMyGrants(list: MyGrantsList): string {
  if (list.grants.length === 0) return '(no grants: no enabled grant names you)\n';
  const rows = list.grants.map((grant) =>
    [
      grant.id,
      grant.provider,
      grant.role,
      `${grant.defaultDurationSeconds} s`,
      `${grant.maxDurationSeconds} s`,
      BOUND_NAMES[grant.maxDurationSetBy],
      grant.ceilingPolicy ? 'below' : 'none',
      grant.sessionTags.join(', '),
    ].map(tableCell),
  );
  const table = textTable(
    ['grant', 'provider', 'role', 'default', 'max', 'max set by', 'ceiling', 'session tags'],
    rows,
  );
  const ceilings = list.grants.flatMap((grant) =>
    grant.ceilingPolicy
      ? [
          `\nceiling of ${tableCell(grant.id)}: a session policy you request must lie inside it; without one, this is sent\n` +
            `${terminalText(JSON.stringify(grant.ceilingPolicy, null, 2))}\n`,
        ]
      : [],
  );
  return table + ceilings.join('');
}

export function renderGrants(list: GrantsList): string {
  if (list.grants.length === 0) return '(no grants)\n';
  const blocks = list.grants.map((grant) => {
    const durations = `default ${grant.defaultDurationSeconds} s, max ${grant.maxDurationSeconds ?? 'provider/role maximum'}${grant.maxDurationSeconds === null ? '' : ' s'}`;
    const check = grant.lastCheck
      ? `${grant.lastCheck.status} at ${grant.lastCheck.at}${grant.lastCheck.status === 'ok' ? '' : ` (${grant.lastCheck.reason})`}`
      : 'none in the last 30 days';
    return [
      `${tableCell(grant.id)}${grant.disabled ? ' (disabled)' : ''}`,
      `  role       ${tableCell(grant.role)} (${grant.provider})`,
      `  durations  ${durations}`,
      `  ceiling    ${grant.ceilingPolicy ? 'yes: request policies must lie inside it' : 'none'}`,
      `  last check ${tableCell(check)}`,
    ].join('\n');
  });
  return `${blocks.join('\n\n')}\n`;
}
