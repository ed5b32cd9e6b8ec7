/** `broker grants` output: a table of the caller's grants, each ceiling in full, nothing that drives a terminal. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderMyGrants } from '../../../cli/commands/grants.js';
import type { MyGrantsList } from '../../../lib/client/broker-api.js';

const list: MyGrantsList = {
  grants: [
    {
      id: 'reports-reader',
      provider: 'aws',
      role: 'arn:aws:iam::222222222222:role/reports-read',
      minDurationSeconds: 900,
      defaultDurationSeconds: 900,
      maxDurationSeconds: 3600,
      maxDurationSetBy: 'role_chaining',
      ceilingPolicy: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::reports/\u009b31m*' }],
      },
      sessionTags: ['team', 'caller'],
    },
    {
      id: 'tos-reader',
      provider: 'volcengine',
      role: 'trn:iam::2100000002:role/tos-reader',
      minDurationSeconds: 900,
      defaultDurationSeconds: 900,
      maxDurationSeconds: 43_200,
      maxDurationSetBy: 'provider_maximum',
      ceilingPolicy: null,
      sessionTags: [],
    },
  ],
};

describe('broker grants output', () => {
  it('prints one row per grant, then the ceiling policies in full', () => {
    // Act
    const text = renderMyGrants(list);
    // Assess
    const lines = text.split('\n');
    assert.match(lines[0] ?? '', /^grant +provider +role +default +max +max set by +ceiling +session tags$/);
    assert.match(
      text,
      /^reports-reader +aws +arn:aws:iam::222222222222:role\/reports-read +900 s +3600 s +role chaining +below +team, caller$/m,
    );
    assert.match(
      text,
      /^tos-reader +volcengine +trn:iam::2100000002:role\/tos-reader +900 s +43200 s +provider maximum +none$/m,
    );
    assert.match(text, /^ceiling of reports-reader: /m);
    assert.ok(text.includes('"Action": "s3:GetObject"'));
    assert.doesNotMatch(text, /ceiling of tos-reader/);
  });

  it('replaces control characters of a ceiling policy, keeping its line breaks', () => {
    // Act
    const text = renderMyGrants(list);
    // Assess
    // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for them is the point.
    assert.doesNotMatch(text, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    assert.ok(text.includes('arn:aws:s3:::reports/?31m*'));
  });

  it('says so when no grant names the caller', () => {
    assert.equal(renderMyGrants({ grants: [] }), '(no grants: no enabled grant names you)\n');
  });
});
