/**
 * A stub HTTP server on loopback that records each request and answers what the test says:
 * for running the real CLI in-process against answers the broker would (or would never) give.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Stub {
  server: Server;
  url: string;
  requests: { method?: string; url?: string; headers: IncomingMessage['headers']; body: string }[];
}

export type Reply = (stub: Stub) => { status: number; headers?: Record<string, string>; body?: string };

export async function startStub(reply: Reply): Promise<Stub> {
  const stub = { requests: [] } as unknown as Stub;
  stub.server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      stub.requests.push({ method: request.method, url: request.url, headers: request.headers, body });
      const answer = reply(stub);
      response.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      response.end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => stub.server.listen(0, '127.0.0.1', resolve));
  stub.url = `http://127.0.0.1:${(stub.server.address() as AddressInfo).port}`;
  return stub;
}

export const stopStub = (stub: Stub) => new Promise<void>((resolve) => stub.server.close(() => resolve()));

/** A GET /v1/grants/mine answer: the caller's grants, each on the provider given. */
export function myGrantsBody(grants: { id: string; provider: 'aws' | 'volcengine'; role: string }[]): string {
  return JSON.stringify({
    grants: grants.map((grant) => ({
      ...grant,
      minDurationSeconds: 900,
      defaultDurationSeconds: 900,
      maxDurationSeconds: 3600,
      maxDurationSetBy: 'grant_maximum',
      ceilingPolicy: null,
      sessionTags: [],
    })),
  });
}

/** `broker creds` (credential_process) asks for the caller's grants first: answered with `grants`, the rest by `reply`. */
export const answeringMyGrants =
  (grants: string, reply: Reply): Reply =>
  (stub) =>
    stub.requests.at(-1)?.url === '/v1/grants/mine' ? { status: 200, body: grants } : reply(stub);
