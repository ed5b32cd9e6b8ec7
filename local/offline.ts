/**
 * serverless-offline (stage `local`) as a child process of the local stack. It takes its
 * ports from the environment, so they must be chosen before it starts, and it binds them
 * only after bundling every function: seconds later. A port chosen free can be taken in
 * between (concurrent stacks and every outgoing connection draw from the same ephemeral
 * range). Such a lost race is retried here on newly chosen ports; a port the user fixed
 * is never moved: its taker is named with the variable that moves it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { claimPort, PortInUseError } from './ports.js';

export const OFFLINE_START_ATTEMPTS = 3;
const START_TIMEOUT_MS = 60_000;
/** Kept of the child's output to explain a failed start. */
const OUTPUT_TAIL_CHARS = 4000;

export type OfflineServer = 'http' | 'lambda';

export interface OfflineOptions {
  stage: string;
  /**
   * The Lambda invoke port; 0 = a free one chosen for each start (serverless-offline says
   * the port it was given, not the one it got, so binding 0 itself would leave it unknown).
   */
  lambdaPort: number;
  /** Picks a free loopback port for the HTTP server or the Lambda one (tests hand it a taken one). */
  choosePort: (server: OfflineServer) => Promise<number>;
  /** The functions' environment; the ports are added to it. */
  env: Record<string, string>;
  onOutput?: (chunk: string) => void;
  /** Stops a start under way (Ctrl-C while it bundles): the child is stopped, the start throws. */
  signal?: AbortSignal;
}

export interface Offline {
  /** The loopback port serverless-offline's HTTP server is bound to. */
  httpPort: number;
  /** The loopback port of its Lambda invoke endpoint. */
  lambdaPort: number;
  stop(): Promise<void>;
}

export async function startOffline(options: OfflineOptions): Promise<Offline> {
  // A fixed Lambda port already taken is said at once, not after bundling every function.
  if (options.lambdaPort !== 0) await claimPort(options.lambdaPort, 'BROKER_LAMBDA_PORT');
  for (let attempt = 1; ; attempt++) {
    const httpPort = await options.choosePort('http');
    const lambdaPort = options.lambdaPort || (await options.choosePort('lambda'));
    options.signal?.throwIfAborted();
    const child = spawnOffline(options, httpPort, lambdaPort);
    // The child has a process group of its own, which a Ctrl-C meant for the stack misses.
    const stopChild = () => void stopProcess(child);
    options.signal?.addEventListener('abort', stopChild, { once: true });
    const outcome = await started(child, httpPort);
    options.signal?.removeEventListener('abort', stopChild);
    if (options.signal?.aborted) {
      await stopProcess(child);
      options.signal.throwIfAborted();
    }
    if (outcome.ready) return { httpPort, lambdaPort, stop: () => stopProcess(child) };
    await stopProcess(child);
    const takenPort = addressInUse(outcome.output);
    if (takenPort === options.lambdaPort) throw new PortInUseError(takenPort, 'BROKER_LAMBDA_PORT');
    if (takenPort !== httpPort && takenPort !== lambdaPort) {
      throw new Error(
        `serverless-offline failed to start: ${outcome.reason}. Its last output:\n${outcome.output}`,
      );
    }
    if (attempt === OFFLINE_START_ATTEMPTS) {
      throw new Error(
        `serverless-offline lost its ${takenPort === httpPort ? 'HTTP' : 'Lambda'} port to another process ${attempt} times in a row (EADDRINUSE on 127.0.0.1:${takenPort}); try again`,
      );
    }
  }
}

function spawnOffline(options: OfflineOptions, httpPort: number, lambdaPort: number): ChildProcess {
  const child = spawn(
    process.execPath,
    ['node_modules/serverless/bin/serverless.js', 'offline', 'start', '--stage', options.stage],
    {
      env: {
        ...process.env,
        ...options.env,
        // Read by serverless.yml (custom.serverless-offline).
        BROKER_OFFLINE_HTTP_PORT: String(httpPort),
        BROKER_LAMBDA_PORT: String(lambdaPort),
        SLS_TELEMETRY_DISABLED: '1',
        SLS_NOTIFICATIONS_MODE: 'off',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  const forward = (chunk: Buffer) => options.onOutput?.(chunk.toString('utf8'));
  child.stdout?.on('data', forward);
  child.stderr?.on('data', forward);
  return child;
}

type StartOutcome = { ready: true } | { ready: false; reason: string; output: string };

/**
 * Ready once the child itself says its HTTP server is bound to `httpPort`. Polling the
 * port instead would also be answered by whatever took it (another stack's server), and
 * the gate would then forward callers there.
 */
function started(child: ChildProcess, httpPort: number): Promise<StartOutcome> {
  const readyLine = `Server ready: http://127.0.0.1:${httpPort} `;
  let output = '';
  return new Promise((resolve) => {
    const finish = (outcome: StartOutcome) => {
      clearTimeout(timer);
      child.stdout?.off('data', collect);
      child.stderr?.off('data', collect);
      child.off('exit', onExit);
      resolve(outcome);
    };
    const collect = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
      if (output.includes(readyLine)) finish({ ready: true });
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
      finish({ ready: false, reason: `it exited (${signal ?? `code ${code}`}) during start-up`, output });
    const timer = setTimeout(
      () => finish({ ready: false, reason: `not ready within ${START_TIMEOUT_MS} ms`, output }),
      START_TIMEOUT_MS,
    );
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    child.once('exit', onExit);
  });
}

/** The port in serverless-offline's report of a failed listen ("listen EADDRINUSE: … 127.0.0.1:3000"). */
function addressInUse(output: string): number | undefined {
  const match = /EADDRINUSE: address already in use \S*:(\d+)/.exec(output);
  return match ? Number(match[1]) : undefined;
}

/** Stops the child's whole process group (serverless, its esbuild service, its workers). */
async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.pid === undefined) return;
  const pid = child.pid;
  const exited =
    child.exitCode !== null || child.signalCode !== null
      ? Promise.resolve()
      : new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    return; // the group is gone already
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // exited meanwhile
    }
  }, 3000);
  await exited;
  clearTimeout(timer);
}
