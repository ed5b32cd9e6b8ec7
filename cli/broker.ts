/**
 * `broker`: one executable, one subcommand per concern. A subcommand is a module under
 * cli/commands/ exporting a Command (see cli/define-command.ts); add it to COMMANDS and it
 * is dispatched, listed in the help, and loaded only when used. Started by bin/broker.js
 * in the repository and by client/cli-entry.ts in the built client.
 */
import { type CliIo, type Command, EXIT, processIo } from './command.js';

interface CommandEntry {
  summary: string;
  load(): Promise<Command>;
}

export const COMMANDS: Record<string, CommandEntry> = {
  audit: {
    summary: 'Query the audit trail: who held which credentials, when (auditors only)',
    load: async () => (await import('./commands/audit.js')).auditCommand,
  },
  creds: {
    summary: 'Print short-lived credentials (credential_process, env or json)',
    load: async () => (await import('./commands/creds.js')).credsCommand,
  },
  grants: {
    summary: 'List your grants: role, durations, ceiling (--all: every grant, auditors)',
    load: async () => (await import('./commands/grants.js')).grantsCommand,
  },
  health: {
    summary: 'Check that the broker can issue (STS and the audit table)',
    load: async () => (await import('./commands/health.js')).healthCommand,
  },
  revoke: {
    summary: 'Print the IAM deny policies that revoke sessions issued to a caller',
    load: async () => (await import('./commands/revoke.js')).revokeCommand,
  },
};

const usage = () =>
  [
    'Usage: broker <command> [options]',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([name, entry]) => `  ${name.padEnd(10)} ${entry.summary}`),
    '',
    'Run `broker <command> --help` for the options of a command.',
    '',
  ].join('\n');

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    await io.stdout(usage());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const entry = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!entry) {
    io.stderr(`broker: unknown command '${name}'\n\n${usage()}`);
    return EXIT.usage;
  }
  const command = await entry.load();
  return command.run(rest, io);
}
