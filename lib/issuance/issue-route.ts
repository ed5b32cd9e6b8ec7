import { type IssueRequestBody, issueCredentialsContract } from '../contracts/issue-credentials.js';
import type { Route } from '../http/handler.js';
import type { IssueRequest, makeIssueCredentials } from './issue-credentials.js';

const toIssueRequest = ({ grant, roleArn, ...rest }: IssueRequestBody): IssueRequest =>
  grant !== undefined ? { grant, ...rest } : { roleArn: roleArn ?? '', ...rest };

export function issueCredentialsRoute(
  issue: ReturnType<typeof makeIssueCredentials>,
): Route<IssueRequestBody> {
  return {
    name: 'issue-credentials',
    body: issueCredentialsContract.request.body,
    async handle({ caller, body, facts }) {
      const outcome = await issue(caller, toIssueRequest(body), facts);
      return { status: 'dryRun' in outcome ? 200 : 201, body: outcome };
    },
  };
}
