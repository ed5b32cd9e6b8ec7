/**
 * The frame every subcommand shares: strict option parsing, --help, and one error report
 * (cli/report.ts) with its exit code. A new command is its options, its help and a `run`.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { type CliIo, type Command, EXIT, type ExitCode } from './command.js';
import { reportError } from './report.js';

type Options = NonNullable<ParseArgsConfig['options']>;
export type Values<O extends Options> = ReturnType<typeof parseArgs<{ options: O; strict: true }>>['values'];

export interface CommandSpec<O extends Options> {
  name: string;
  summary: string;
  help: string;
  options: O;
  run(values: Values<O>, io: CliIo): Promise<ExitCode>;
}

export function defineCommand<O extends Options>(spec: CommandSpec<O>): Command {
  return {
    summary: spec.summary,
    async run(argv, io) {
      let local = false;
      try {
        const { values } = parseArgs({
          args: argv,
          options: spec.options,
          strict: true,
          allowPositionals: false,
        });
        local = (values as { local?: unknown }).local === true;
        if ((values as { help?: unknown }).help === true) {
          await io.stdout(spec.help);
          return EXIT.ok;
        }
        return await spec.run(values as Values<O>, io);
      } catch (error) {
        return reportError(error, io, { command: spec.name, local });
      }
    },
  };
}
