/**
 * How every command reports a failure, in one format:
 *   broker: <title> (<code>, HTTP <status>)
 *     <detail, field errors, request id>
 *   hint: <what to do next>
 * on stderr, with an exit code by kind. Never a stack trace, never a request or response
 * body (an issued body holds secrets).
 */
import { UnsupportedFormatError } from '../lib/client/formats.js';
import { BrokerClientError, headline } from '../lib/client/problem.js';
import { type CliIo, EXIT, type ExitCode, UsageError } from './command.js';
import { SigningSetupError } from './connection.js';

export interface ReportContext {
  command: string;
  /** --local was given: a refused connection means the local stack is not running. */
  local: boolean;
}

export function exitCodeOf(error: BrokerClientError): ExitCode {
  if (error.status === 401 || error.status === 403) return EXIT.auth;
  if (error.status >= 400 && error.status < 500 && error.status !== 429) return EXIT.usage;
  return EXIT.server;
}

export function reportError(error: unknown, io: CliIo, context: ReportContext): ExitCode {
  if (error instanceof BrokerClientError) {
    const details = [
      ...(error.detail ? [error.detail] : []),
      ...error.fields.map((field) => `${field.path}: ${field.message}`),
      ...(error.requestId ? [`request id ${error.requestId}`] : []),
    ];
    const hint = hintFor(error, context);
    io.stderr(
      [
        `broker: ${headline(error)}`,
        ...details.map((line) => `  ${line}`),
        ...(hint ? [`hint: ${hint}`] : []),
        '',
      ].join('\n'),
    );
    return exitCodeOf(error);
  }
  if (error instanceof SigningSetupError) {
    io.stderr(
      `broker: no usable AWS credentials to sign with (signing_setup)\n  ${firstLine(error.message)}\nhint: configure AWS credentials (AWS_PROFILE, SSO login), or against the local stack use --local --as NAME\n`,
    );
    return EXIT.auth;
  }
  if (error instanceof UnsupportedFormatError) {
    io.stderr(
      `broker: ${error.message} (unsupported_format)\nhint: use --format env (export lines) or --format json\n`,
    );
    return EXIT.usage;
  }
  if (error instanceof UsageError || isParseArgsError(error)) {
    io.stderr(
      `broker: ${(error as Error).message} (usage)\nhint: run 'broker ${context.command} --help' for usage\n`,
    );
    return EXIT.usage;
  }
  // Anything else: the first line of the message only, what an operator can act on.
  io.stderr(`broker: ${firstLine(error instanceof Error ? error.message : String(error))} (internal)\n`);
  return EXIT.server;
}

function hintFor(error: BrokerClientError, context: ReportContext): string | undefined {
  switch (error.code) {
    case 'connection_refused':
      return context.local
        ? 'the local stack is not running: start it with `npm start` in the broker repository'
        : 'nothing listens at that address: check --endpoint (or BROKER_ENDPOINT)';
    case 'network_error':
      return 'check --endpoint (or BROKER_ENDPOINT) and your network';
    case 'redirect_refused':
      return 'give the final https:// URL of the broker API as --endpoint';
    case 'unexpected_status':
    case 'invalid_response':
      return 'the endpoint did not answer as the broker does: check --endpoint, or retry if the broker was starting';
    case 'unauthenticated':
      return context.local
        ? 'check --as NAME against local/dev-identities.json'
        : 'check the AWS credentials you sign with (AWS_PROFILE, --region)';
    case 'not_allowed':
      return context.command === 'creds'
        ? 'no grant names you for this role or grant: ask the owner of the grants file'
        : 'this route is for auditors only (the auditors of the grants file)';
    case 'rate_limited':
      return 'too many issuances for you right now: retry later';
  }
  if (error.status === 404)
    return 'check --endpoint: it is the API base URL, e.g. https://…/ or http://127.0.0.1:3000';
  if (error.status === 400) return `run 'broker ${context.command} --help' for the accepted values`;
  if (error.status >= 500) return 'the broker or one of its dependencies failed: retry later';
  return undefined;
}

const firstLine = (text: string) => text.split('\n')[0] ?? '';

/** node:util parseArgs throws TypeErrors with ERR_PARSE_ARGS_* codes for unknown or malformed options. */
function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}
