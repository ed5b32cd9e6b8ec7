/** node:http plumbing shared by the emulator's STS and control endpoints. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';

export const MAX_BODY_BYTES = 256 * 1024;

export class BodyTooLarge extends Error {}

function isLoopbackIp(address: string): boolean {
  const v4 = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  if (isIP(v4) === 4) return v4.split('.')[0] === '127';
  return address === '::1';
}

/** A bind address the emulator accepts: it must never be reachable from another machine. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || isLoopbackIp(host);
}

export function isLoopbackPeer(request: IncomingMessage): boolean {
  return isLoopbackIp(request.socket.remoteAddress ?? '');
}

/**
 * The Host header must name a loopback host too: a web page that rebinds its own DNS name
 * to 127.0.0.1 could otherwise drive the control endpoint from a browser.
 */
export function hostHeaderIsLoopback(hostHeader: string | undefined): boolean {
  if (hostHeader === undefined) return false;
  const hostname = hostHeader.startsWith('[')
    ? hostHeader.slice(1, hostHeader.indexOf(']'))
    : (hostHeader.split(':')[0] ?? '');
  return isLoopbackHost(hostname.toLowerCase());
}

export async function readBody(request: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > limit) throw new BodyTooLarge(`body larger than ${limit} bytes`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** Lower-case header map with repeated values joined, as SigV4 canonicalization expects. */
export function flatHeaders(request: IncomingMessage): Record<string, string | undefined> {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

export function send(
  response: ServerResponse,
  status: number,
  contentType: string,
  body: string,
  headers: Record<string, string> = {},
): void {
  if (response.headersSent || response.destroyed) return;
  response.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  response.end(body);
}

export function sendJson(response: ServerResponse, status: number, value: unknown): void {
  send(response, status, 'application/json', `${JSON.stringify(value)}\n`);
}
