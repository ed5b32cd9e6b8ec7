/**
 * Discards what the handler writes to stdout/stderr while a bench measures it: the log and
 * EMF lines are still built and serialized (a real cost in Lambda), just not printed.
 */
type Write = typeof process.stdout.write;

export function sinkOutput(): { bytes(): number; restore(): void } {
  let bytes = 0;
  const streams = [process.stdout, process.stderr];
  const originals = streams.map((stream) => stream.write);
  for (const stream of streams) {
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      bytes += typeof chunk === 'string' ? chunk.length : 0;
      rest.find((arg): arg is () => void => typeof arg === 'function')?.();
      return true;
    }) as Write;
  }
  return {
    bytes: () => bytes,
    restore: () => {
      streams.forEach((stream, index) => {
        stream.write = originals[index] as Write;
      });
    },
  };
}
