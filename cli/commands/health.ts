/** `broker health`: is the broker up and able to issue (STS identity and audit table reached)? */
import { CONNECTION_OPTIONS, EXIT } from '../command.js';
import { connect } from '../connection.js';
import { defineCommand } from '../define-command.js';

const HELP = `Usage: broker health [options]

Asks GET /v1/health: a round trip through STS and the audit table, so "ok" means the
broker can issue. Prints the version, the identity the broker runs as and its table.

  --endpoint URL        broker API, https:// (default: $BROKER_ENDPOINT; with --local http://127.0.0.1:$BROKER_PORT or 3000)
  --region REGION       signing region
  --local --as NAME     sign as a dev identity of the local stack
  --json                print the answer as JSON

Exit codes: 0 healthy, 2 not authenticated, 3 unhealthy or unreachable.
`;

const OPTIONS = { json: { type: 'boolean' }, ...CONNECTION_OPTIONS } as const;

export const healthCommand = defineCommand({
  name: 'health',
  summary: 'Check that the broker can issue (STS and the audit table)',
  help: HELP,
  options: OPTIONS,
  async run(values, io) {
    const report = await connect(values, io, { defaultLocalIdentity: 'reporting-service' }).health();
    await io.stdout(
      values.json
        ? `${JSON.stringify(report, null, 2)}\n`
        : `ok: broker ${report.version} as ${report.identity.arn}, audit table ${report.table.name}\n`,
    );
    return EXIT.ok;
  },
});
