/**
 * `broker revoke --caller X`: the recipe for cutting off sessions already issued to a
 * caller. It reads the caller's ISSUED records from the audit API (auditors only) and
 * prints, per target role, the IAM deny policy on the caller's SourceIdentity for tokens
 * issued before now, with the `aws iam put-role-policy` line that applies it. It changes
 * nothing itself: applying a policy in a target account is the operator's act.
 */
import type { AuditPage } from '../../lib/client/broker-api.js';
import { putRolePolicyCommand, revokePolicy } from '../../lib/client/revoke-policy.js';
import { CONNECTION_OPTIONS, type Command, EXIT, UsageError } from '../command.js';
import { connect } from '../connection.js';
import { defineCommand } from '../define-command.js';

const HELP = `Usage: broker revoke --caller CALLER [--since ISO] [options]

Prints, for every role the caller was issued since --since, the IAM deny policy that
revokes those sessions and the aws iam put-role-policy command that applies it.
Deny the caller first (deniedCallers in the grants file, then deploy), or it can
fetch new credentials.

  --caller CALLER       caller key (aws:ACCOUNT:role/NAME) or principal ARN
  --since ISO           earliest issuance to consider (default: 12 hours ago, the
                        longest STS session)
  --endpoint URL        broker API (default: $BROKER_ENDPOINT)
  --region REGION       signing region
  --local --as NAME     sign as a dev identity of the local stack (an auditor)
`;

const OPTIONS = {
  caller: { type: 'string' },
  since: { type: 'string' },
  ...CONNECTION_OPTIONS,
} as const;

const LONGEST_SESSION_MS = 12 * 3600_000;
const MAX_PAGES = 100;

export interface IssuedSessionRecord {
  roleArn: string;
  provider: string;
  sourceIdentity?: string;
  expiration?: string;
}

export interface RevokeTargetGroup {
  roleArn: string;
  provider: string;
  sourceIdentity?: string;
  sessions: number;
  lastExpiration?: string;
}

export function makeRevokeCommand(clock: () => Date = () => new Date()): Command {
  return defineCommand({
    name: 'revoke',
    summary: 'Print the IAM deny policies that revoke the sessions issued to a caller',
    help: HELP,
    options: OPTIONS,
    async run(values, io) {
      if (!values.caller) throw new UsageError('--caller is required');
      const now = clock();
      const since = values.since ?? new Date(now.getTime() - LONGEST_SESSION_MS).toISOString();
      const api = connect(values, io);
      const records: IssuedSessionRecord[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await api.listIssuances({
          caller: values.caller,
          decision: 'ISSUED',
          from: since,
          limit: '1000',
          cursor,
        });
        records.push(...issuedSessions(page));
        cursor = page.cursor;
        pages += 1;
      } while (cursor && pages < MAX_PAGES);
      await io.stdout(renderRecipe(values.caller, since, groupByRole(records), now));
      return EXIT.ok;
    },
  });
}

export const revokeCommand = makeRevokeCommand();

function issuedSessions(page: AuditPage): IssuedSessionRecord[] {
  return page.items.flatMap((record) =>
    record.roleArn === undefined
      ? []
      : [
          {
            roleArn: record.roleArn,
            provider: record.provider ?? 'aws',
            ...(record.sourceIdentity === undefined ? {} : { sourceIdentity: record.sourceIdentity }),
            ...(record.expiration === undefined ? {} : { expiration: record.expiration }),
          },
        ],
  );
}

/** One group per role and source identity (a caller has one, but a rename would show two). */
export function groupByRole(records: IssuedSessionRecord[]): RevokeTargetGroup[] {
  const groups = new Map<string, RevokeTargetGroup>();
  for (const record of records) {
    const key = `${record.roleArn}\n${record.sourceIdentity ?? ''}`;
    const group = groups.get(key) ?? {
      roleArn: record.roleArn,
      provider: record.provider,
      ...(record.sourceIdentity ? { sourceIdentity: record.sourceIdentity } : {}),
      sessions: 0,
    };
    group.sessions += 1;
    if (record.expiration && (!group.lastExpiration || record.expiration > group.lastExpiration)) {
      group.lastExpiration = record.expiration;
    }
    groups.set(key, group);
  }
  return [...groups.values()].sort((a, b) => a.roleArn.localeCompare(b.roleArn));
}

export function renderRecipe(caller: string, since: string, groups: RevokeTargetGroup[], now: Date): string {
  if (groups.length === 0)
    return `# No sessions were issued to ${caller} since ${since}: nothing to revoke.\n`;
  const blocks = groups.map((group) => {
    const header = `# ${group.roleArn}: ${group.sessions} session(s) since ${since}, the last valid until ${group.lastExpiration ?? 'unknown'}`;
    if (group.provider !== 'aws' || !group.sourceIdentity) {
      // Volcengine has no SourceIdentity: no policy can single these sessions out.
      return `${header}\n# Not revocable by policy (no SourceIdentity); these sessions expire on their own.\n`;
    }
    const target = { roleArn: group.roleArn, sourceIdentity: group.sourceIdentity };
    return [
      header,
      `# Run in the account of the role, with iam:PutRolePolicy on it:`,
      putRolePolicyCommand(target, now),
      '# Policy document:',
      JSON.stringify(revokePolicy(group.sourceIdentity, now), null, 2),
      '',
    ].join('\n');
  });
  return `${blocks.join('\n')}`;
}
