/**
 * Where a client may send signed requests: an https:// URL, or http:// to the loopback
 * interface only (the local stack). Anything else is refused before any connection, so a
 * typo or a planted BROKER_ENDPOINT cannot send signed requests in clear text across a
 * network. The base may be given with a trailing /v1/ (as `npm start` prints it).
 */

export class EndpointError extends Error {
  override name = 'EndpointError';
}

const LOOPBACK_HOSTS = new Set(['localhost', '[::1]']);

/** 127.0.0.0/8, ::1 and localhost: traffic that never leaves the machine. */
export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname) || /^127(?:\.\d{1,3}){3}$/.test(hostname);
}

/** The API base URL without a trailing slash or /v1 (the contracts' paths start with /v1/). */
export function brokerBaseUrl(endpoint: string): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new EndpointError(`the endpoint is not a URL: ${endpoint}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new EndpointError(`the endpoint must be an https:// URL: ${endpoint}`);
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new EndpointError(
      `refusing http:// to ${url.hostname}: signed requests go over https:// (http:// only to 127.0.0.1 or localhost)`,
    );
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new EndpointError('the endpoint must not carry credentials, a query or a fragment');
  }
  const path = url.pathname.replace(/\/+$/, '').replace(/\/v1$/, '');
  return `${url.origin}${path}`;
}
