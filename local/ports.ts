/** Loopback port helpers: free ports for tests, and a clear message when a port is taken. */
import { type AddressInfo, createServer, type Server } from 'node:net';

export class PortInUseError extends Error {
  constructor(
    readonly port: number,
    readonly envVar: string,
  ) {
    super(
      `Port ${port} on 127.0.0.1 is already in use. Stop what holds it, or pick another port with ${envVar}=<port>.`,
    );
    this.name = 'PortInUseError';
  }
}

/** Resolves the port itself when free (0 → a free port chosen by the OS). */
export function claimPort(port: number, envVar: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(port, envVar) : error),
    );
    probe.listen(port, '127.0.0.1', () => {
      const address = probe.address();
      const chosen = typeof address === 'object' && address ? address.port : port;
      probe.close(() => resolve(chosen));
    });
  });
}

/**
 * Starts a server that binds `port` itself (0 → a free one, taken at bind time, so no race)
 * and turns "address in use" on a fixed port into a PortInUseError naming `envVar`.
 */
export async function startOnPort<T>(
  port: number,
  envVar: string,
  start: (port: number) => Promise<T>,
): Promise<T> {
  try {
    return await start(port);
  } catch (error) {
    if (isAddressInUse(error)) throw new PortInUseError(port, envVar);
    throw error;
  }
}

function isAddressInUse(error: unknown): boolean {
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    if ((cause as NodeJS.ErrnoException).code === 'EADDRINUSE') return true;
  }
  return false;
}

/** Binds a local server to 127.0.0.1 only (0 → a free port) and resolves the port it got. */
export async function listenOnLoopback(server: Server, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return (server.address() as AddressInfo).port;
}
