/**
 * The composition of POST /v1/credentials: the issuance use case on its ports, behind its
 * route, in the HTTP chain. handler.ts calls it with the production adapters, the local
 * stage with local authentication, tests with fakes.
 */
import { type HttpHandlerOptions, httpHandler } from '../../lib/http/handler.js';
import { type IssueDeps, makeIssueCredentials } from '../../lib/issuance/issue-credentials.js';
import { issueCredentialsRoute } from '../../lib/issuance/issue-route.js';

export const makeHandler = (ports: IssueDeps, http: HttpHandlerOptions) =>
  httpHandler(issueCredentialsRoute(makeIssueCredentials(ports)), http);
