/**
 * Where a bench's emulators run: in the bench's own process (their CPU counts on the same
 * thread as the code measured) or in a child process of their own (bench/support/emulator-process.ts).
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { startBrokerEmulators } from '../../test/support/in-process-broker.js';

export type EmulatorPlacement = 'process' | 'in-process';

export interface RunningEmulators {
  endpoints: { dynamodb: string; sts: string };
  stop(): Promise<void>;
}

export async function startEmulators(placement: EmulatorPlacement): Promise<RunningEmulators> {
  if (placement === 'in-process') {
    const emulators = await startBrokerEmulators();
    return { endpoints: { dynamodb: emulators.dynamo.url, sts: emulators.sts.url }, stop: emulators.stop };
  }
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/support/emulator-process.ts'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const lines = createInterface({ input: child.stdout });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the emulator process exited (${code})`)));
  });
  lines.close();
  return {
    endpoints: JSON.parse(first) as RunningEmulators['endpoints'],
    stop: async () => {
      child.stdin.end();
      await exited;
    },
  };
}

/** `--emulators=in-process` or `--emulators=process` (the default) from the command line. */
export function emulatorPlacement(argv: string[]): EmulatorPlacement {
  const value = argv.find((arg) => arg.startsWith('--emulators='))?.slice('--emulators='.length) ?? 'process';
  if (value !== 'process' && value !== 'in-process') {
    throw new Error(`--emulators must be process or in-process, not ${value}`);
  }
  return value;
}
