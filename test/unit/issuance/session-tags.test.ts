import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GrantsFileError, parseGrants } from '../../../lib/config/grants.js';
import { BrokerError } from '../../../lib/errors.js';
import { oidcCaller } from '../../../lib/grants/caller.js';
import { renderSessionTags, tagSubjectOf } from '../../../lib/issuance/session-tags.js';
import { awsGrantOf, reportingCaller } from '../../support/grants.js';

describe('renderSessionTags (invariant 5: tags come from the grant only)', () => {
  it('sends no tags when the grant has none', () => {
    // Prepare
    const grant = awsGrantOf();
    // Act
    const tags = renderSessionTags(grant, tagSubjectOf(reportingCaller()));
    // Assess
    assert.equal(tags, undefined);
  });

  it('renders every known placeholder from the authenticated caller and the grant', () => {
    // Prepare
    const grant = awsGrantOf({
      sessionTags: {
        team: 'reporting',
        caller: '{caller.name}',
        account: '{caller.account}',
        principal: '{caller.id}',
        grant: 'g={grant.id}',
      },
    });
    const caller = reportingCaller('i-0abc123');
    // Act
    const tags = renderSessionTags(grant, tagSubjectOf(caller));
    // Assess
    assert.deepEqual(tags, {
      team: 'reporting',
      caller: 'reporting-service',
      account: '111111111111',
      principal: 'arn:aws:sts::111111111111:assumed-role/reporting-service/i-0abc123',
      grant: 'g=reports-reader',
    });
  });

  it('does not guess an unknown placeholder: the grants file is refused when it loads', () => {
    // Prepare
    const yaml = [
      'version: 1',
      'grants:',
      '  - id: reports-reader',
      '    callers: ["arn:aws:iam::111111111111:role/reporting-service"]',
      '    provider: aws',
      '    roleArn: arn:aws:iam::222222222222:role/reports-read',
      '    sessionTags: { session: "{caller.sessionName}" }',
    ].join('\n');
    // Act
    const load = () => parseGrants(yaml, 'grants.yaml');
    // Assess
    assert.throws(
      load,
      (error: unknown) => error instanceof GrantsFileError && /unknown placeholder/.test(error.message),
    );
  });

  it('refuses (500, hidden) a value STS would reject instead of sending it', () => {
    // Prepare: an OIDC subject with characters not allowed in a tag value.
    const grant = awsGrantOf({ sessionTags: { caller: '{caller.name}' } });
    const caller = oidcCaller('https://issuer.example.com', 'alice#<script>');
    // Act
    const render = () => renderSessionTags(grant, tagSubjectOf(caller));
    // Assess
    assert.throws(render, (error: unknown) => {
      assert.ok(error instanceof BrokerError);
      assert.equal(error.status, 500);
      assert.equal(error.expose, false);
      assert.match(error.internalReason ?? '', /session tag caller/);
      return true;
    });
  });

  it('refuses a rendered value longer than 256 characters', () => {
    // Prepare: the template fits the schema's 256; rendered with the caller name it does not.
    const grant = awsGrantOf({ sessionTags: { caller: `${'x'.repeat(240)}{caller.name}` } });
    // Act
    const render = () => renderSessionTags(grant, tagSubjectOf(reportingCaller()));
    // Assess
    assert.throws(render, (error: unknown) => error instanceof BrokerError && error.status === 500);
  });

  it('leaves {caller.account} empty for an OIDC caller', () => {
    // Prepare
    const grant = awsGrantOf({ sessionTags: { account: 'a{caller.account}' } });
    // Act
    const tags = renderSessionTags(grant, tagSubjectOf(oidcCaller('https://issuer.example.com', 'ci')));
    // Assess
    assert.deepEqual(tags, { account: 'a' });
  });
});
