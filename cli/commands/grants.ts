/** `broker grants`: the grants of the running configuration: role, durations, ceiling, last check. */
import type { GrantsList } from '../../lib/client/broker-api.js';
import { CONNECTION_OPTIONS, EXIT } from '../command.js';
import { connect } from '../connection.js';
import { defineCommand } from '../define-command.js';
import { tableCell } from '../output.js';

const HELP = `Usage: broker grants [options]

Lists the grants the broker runs with (GET /v1/grants): per grant its provider, role,
default and maximum duration, whether it has a ceiling policy, and its last scheduled
check.

  --json                print the answer as JSON
  --endpoint URL        broker API, https:// (default: $BROKER_ENDPOINT; with --local http://127.0.0.1:$BROKER_PORT or 3000)
  --region REGION       signing region
  --local --as NAME     sign as a dev identity of the local stack (default security-audit)

Exit codes: 0 ok, 2 not authenticated or not allowed, 3 broker or network unavailable.
`;

const OPTIONS = { json: { type: 'boolean' }, ...CONNECTION_OPTIONS } as const;

export const grantsCommand = defineCommand({
  name: 'grants',
  summary: 'List the grants: role, durations, ceiling, last check',
  help: HELP,
  options: OPTIONS,
  async run(values, io) {
    const list = await connect(values, io, { defaultLocalIdentity: 'security-audit' }).listGrants();
    await io.stdout(values.json ? `${JSON.stringify(list, null, 2)}\n` : renderGrants(list));
    return EXIT.ok;
  },
});

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
