/** A CliIo that keeps what a command prints, so tests run `broker` commands in-process. */
import type { CliIo } from '../../cli/command.js';

export function captureCliIo(env: Record<string, string | undefined> = {}) {
  const io = { out: '', err: '' };
  const cli: CliIo = {
    stdout: async (text) => {
      io.out += text;
    },
    stderr: (text) => {
      io.err += text;
    },
    env,
  };
  return { io, cli };
}
