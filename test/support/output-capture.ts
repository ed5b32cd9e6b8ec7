/**
 * Captures what the process writes to stdout and stderr as text, the way CloudWatch Logs
 * would receive it from a Lambda: Powertools Logger and Metrics write through their own
 * Console bound to these streams, so mocking `console` would miss them.
 * Buffers pass through untouched: node's test runner reports over stdout in binary frames.
 */
type Write = typeof process.stdout.write;

export interface OutputCapture {
  /** Every non-empty line written as text since the capture started. */
  lines(): string[];
  restore(): void;
}

export function captureOutput(options: { passThrough?: boolean } = {}): OutputCapture {
  let text = '';
  const streams = [process.stdout, process.stderr];
  const originals = streams.map((stream) => stream.write);
  streams.forEach((stream, index) => {
    const original = originals[index] as Write;
    const write = (chunk: unknown, ...rest: unknown[]): boolean => {
      if (typeof chunk !== 'string') return Reflect.apply(original, stream, [chunk, ...rest]);
      text += chunk;
      const callback = rest.find((arg): arg is () => void => typeof arg === 'function');
      callback?.();
      return options.passThrough ? Reflect.apply(original, stream, [chunk, ...rest]) : true;
    };
    stream.write = write as Write;
  });
  return {
    lines: () => text.split('\n').filter((line) => line.trim() !== ''),
    restore: () => {
      streams.forEach((stream, index) => {
        stream.write = originals[index] as Write;
      });
    },
  };
}
