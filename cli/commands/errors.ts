/**
 * How `creds` and `revoke` report a failure: one or two lines on stderr (the problem's
 * title and detail, field errors, the request id to quote to an operator) and an exit
 * code by kind. Never a stack trace, never a request or response body.
 */
import { BrokerClientError } from '../../lib/client/problem.js';
import { type CliIo, EXIT, UsageError } from '../command.js';

/** No usable ambient AWS credentials to sign with (none configured, expired SSO): exit 2. */
export class SigningSetupError extends Error {
  override name = 'SigningSetupError';
}

export function exitCodeOf(error: BrokerClientError): number {
  if (error.status === 401 || error.status === 403) return EXIT.auth;
  if (error.status >= 400 && error.status < 500 && error.status !== 429) return EXIT.usage;
  return EXIT.server;
}

export function reportError(command: string, error: unknown, io: CliIo): number {
  if (error instanceof BrokerClientError) {
    const lines = [
      `broker ${command}: ${error.message}`,
      ...error.fields.map((f) => `  ${f.path}: ${f.message}`),
    ];
    io.stderr(`${lines.join('\n')}\n`);
    return exitCodeOf(error);
  }
  if (error instanceof SigningSetupError) {
    io.stderr(
      `broker ${command}: no usable AWS credentials to sign with (${firstLine(error.message)}); locally use --local --as NAME\n`,
    );
    return EXIT.auth;
  }
  if (error instanceof UsageError || isParseArgsError(error)) {
    io.stderr(`broker ${command}: ${(error as Error).message}\nRun 'broker ${command} --help' for usage.\n`);
    return EXIT.usage;
  }
  // Anything else: the first line of the message only, what an operator can act on.
  io.stderr(`broker ${command}: ${firstLine(error instanceof Error ? error.message : String(error))}\n`);
  return EXIT.server;
}

const firstLine = (text: string) => text.split('\n')[0] ?? '';

/** node:util parseArgs throws TypeErrors with ERR_PARSE_ARGS_* codes for unknown or malformed options. */
function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}
