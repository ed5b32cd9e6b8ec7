import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { containmentVerdict } from '../../../lib/contracts/issue-credentials.js';
import {
  type ConditionBlock,
  type ContainmentOptions,
  checkContainment,
  POLICY_LIMITS,
  type Policy,
  type PolicyDialect,
  parsePolicyDocument,
  type Statement,
} from '../../../lib/policy/index.js';

function allow(actions: string[], resources: string[], condition?: ConditionBlock): Statement {
  return condition === undefined
    ? { effect: 'Allow', actions, resources }
    : { effect: 'Allow', actions, resources, condition };
}

function deny(actions: string[], resources: string[], condition?: ConditionBlock): Statement {
  return condition === undefined
    ? { effect: 'Deny', actions, resources }
    : { effect: 'Deny', actions, resources, condition };
}

function verdictOf(request: Statement[], ceiling: Statement[], dialect: PolicyDialect = 'aws') {
  const requestPolicy: Policy = { statements: request };
  const ceilingPolicy: Policy = { statements: ceiling };
  return checkContainment(requestPolicy, ceilingPolicy, dialect);
}

describe('checkContainment: the table of the issue', () => {
  const bucket = 'arn:aws:s3:::bucket/*';
  const cases: {
    name: string;
    request: Statement;
    ceiling: Statement[];
    contained: boolean;
    reason?: RegExp;
  }[] = [
    {
      name: 's3:* requested under s3:GetObject is rejected',
      request: allow(['s3:*'], [bucket]),
      ceiling: [allow(['s3:GetObject'], [bucket])],
      contained: false,
      reason: /no ceiling Allow statement covers the action/,
    },
    {
      name: 's3:GetObject requested under s3:* is accepted',
      request: allow(['s3:GetObject'], [bucket]),
      ceiling: [allow(['s3:*'], [bucket])],
      contained: true,
    },
    {
      name: 'arn:aws:s3:::bucket/* under arn:aws:s3:::bucket* is accepted',
      request: allow(['s3:GetObject'], ['arn:aws:s3:::bucket/*']),
      ceiling: [allow(['s3:GetObject'], ['arn:aws:s3:::bucket*'])],
      contained: true,
    },
    {
      name: 'arn:aws:s3:::bucket* under arn:aws:s3:::bucket/* is rejected',
      request: allow(['s3:GetObject'], ['arn:aws:s3:::bucket*']),
      ceiling: [allow(['s3:GetObject'], ['arn:aws:s3:::bucket/*'])],
      contained: false,
      reason: /resource segment `bucket\*` is not inside the ceiling's `bucket\/\*`/,
    },
    {
      name: '`??` under `*?` is accepted',
      request: allow(['s3:GetObject'], ['arn:aws:s3:::b/??']),
      ceiling: [allow(['s3:GetObject'], ['arn:aws:s3:::b/*?'])],
      contained: true,
    },
    {
      name: '`*?` under `??` is rejected',
      request: allow(['s3:GetObject'], ['arn:aws:s3:::b/*?']),
      ceiling: [allow(['s3:GetObject'], ['arn:aws:s3:::b/??'])],
      contained: false,
    },
    {
      name: 'S3:GETOBJECT is accepted: actions ignore case',
      request: allow(['S3:GETOBJECT'], [bucket]),
      ceiling: [allow(['s3:GetObject'], [bucket])],
      contained: true,
    },
    {
      name: 'a resource that differs in case is rejected',
      request: allow(['s3:GetObject'], ['arn:aws:s3:::Bucket/*']),
      ceiling: [allow(['s3:GetObject'], [bucket])],
      contained: false,
    },
    {
      name: 'a ceiling Deny that overlaps the request rejects it',
      request: allow(['s3:*Object'], [bucket]),
      ceiling: [allow(['s3:*'], ['*']), deny(['s3:Delete*'], ['arn:aws:s3:::bucket/private/*'])],
      contained: false,
      reason: /ceiling Deny statement 1 \(`s3:Delete\*` on `arn:aws:s3:::bucket\/private\/\*`\) may match it/,
    },
    {
      name: 'a ceiling Deny that cannot overlap does not reject',
      request: allow(['s3:GetObject'], [bucket]),
      ceiling: [allow(['s3:*'], ['*']), deny(['s3:Delete*'], ['*']), deny(['*'], ['arn:aws:s3:::other/*'])],
      contained: true,
    },
  ];
  for (const { name, request, ceiling, contained, reason } of cases) {
    it(name, () => {
      // Act
      const verdict = verdictOf([request], ceiling);
      // Assess
      assert.equal(verdict.contained, contained, JSON.stringify(verdict.explanation));
      assert.equal(verdict.explanation.length, contained ? 0 : verdict.statements[0]?.uncovered.length);
      if (reason !== undefined) assert.match(verdict.explanation.join('\n'), reason);
    });
  }
});

describe('checkContainment: segments', () => {
  it('covers everything under a ceiling resource `*` and `*` only under `*`', () => {
    // Act
    const underStar = verdictOf([allow(['s3:GetObject'], ['*', 'arn:aws:s3:::x'])], [allow(['s3:*'], ['*'])]);
    const starUnderArn = verdictOf([allow(['s3:GetObject'], ['*'])], [allow(['s3:*'], ['arn:*:*:*:*:*'])]);
    // Assess
    assert.equal(underStar.contained, true);
    assert.equal(starUnderArn.contained, false);
    assert.match(starUnderArn.explanation[0] ?? '', /covered only by a ceiling resource `\*`/);
  });

  it('compares the resource as everything after the fifth colon, colons included', () => {
    // Prepare
    const ceiling = [allow(['logs:*'], ['arn:aws:logs:eu-west-1:111122223333:log-group:/app/*'])];
    // Act
    const inside = verdictOf(
      [allow(['logs:PutLogEvents'], ['arn:aws:logs:eu-west-1:111122223333:log-group:/app/web:*'])],
      ceiling,
    );
    const outside = verdictOf(
      [allow(['logs:PutLogEvents'], ['arn:aws:logs:eu-west-1:111122223333:log-group:/db:*'])],
      ceiling,
    );
    // Assess
    assert.equal(inside.contained, true);
    assert.equal(outside.contained, false);
  });

  it('requires a requested `*` to be covered by a `*` in the same segment', () => {
    // Prepare
    const ceiling = [allow(['dynamodb:*'], ['arn:aws:dynamodb:eu-west-1:111122223333:table/*'])];
    // Act
    const anyRegion = verdictOf(
      [allow(['dynamodb:GetItem'], ['arn:aws:dynamodb:*:111122223333:table/t'])],
      ceiling,
    );
    const oneRegion = verdictOf(
      [allow(['dynamodb:GetItem'], ['arn:aws:dynamodb:eu-west-1:111122223333:table/t'])],
      ceiling,
    );
    // Assess
    assert.equal(anyRegion.contained, false);
    assert.match(
      anyRegion.explanation[0] ?? '',
      /region segment `\*` is not inside the ceiling's `eu-west-1`/,
    );
    assert.equal(oneRegion.contained, true);
  });

  it('rejects a segment-ending `*` under a ceiling segment that does not end with `*`, since it may expand across `:`', () => {
    // Prepare
    const ceiling = [allow(['sns:*'], ['arn:aws:sns:eu-*-1:111122223333:topic'])];
    // Act
    const verdict = verdictOf([allow(['sns:Publish'], ['arn:aws:sns:eu-*:111122223333:topic'])], ceiling);
    const identical = verdictOf(
      [allow(['sns:Publish'], ['arn:aws:sns:eu-*:111122223333:topic'])],
      [allow(['sns:*'], ['arn:aws:sns:eu-*:111122223333:topic'])],
    );
    // `a?*` and `a*?` match the same strings within a segment, but only the first may expand.
    const sameLanguage = verdictOf(
      [allow(['sns:Publish'], ['arn:aws:sns:eu?*:111122223333:topic'])],
      [allow(['sns:*'], ['arn:aws:sns:eu*?:111122223333:topic'])],
    );
    // Assess
    assert.equal(verdict.contained, false);
    assert.equal(identical.contained, true);
    assert.equal(sameLanguage.contained, false);
    assert.match(sameLanguage.explanation[0] ?? '', /may match across `:`/);
  });

  it('does not trust a short ceiling pattern whose `*` would span segments, and says so', () => {
    // Act
    const verdict = verdictOf(
      [allow(['s3:GetObject'], ['arn:aws:s3:::bucket/x'])],
      [allow(['s3:*'], ['arn:aws:s3:*'])],
    );
    // Assess
    assert.equal(verdict.contained, false);
    assert.match(verdict.explanation[0] ?? '', /fewer than 6 colon-separated segments/);
  });

  it('treats a short ceiling Deny as reaching across segments', () => {
    // Act
    const verdict = verdictOf(
      [allow(['s3:GetObject'], ['arn:aws:s3:::bucket/x'])],
      [allow(['s3:*'], ['*']), deny(['s3:*'], ['arn:aws:s3:*'])],
    );
    // Assess
    assert.equal(verdict.contained, false);
  });

  it('refuses an AWS request that reaches a ceiling Deny only by changing the case of its ARN', () => {
    // Prepare: an ARN segment a service may compare case-insensitively must not dodge the Deny
    const ceiling = [allow(['s3:*'], ['*']), deny(['s3:*'], ['arn:aws:s3:::secret/*'])];
    // Act
    const verdicts = ['arn:aws:S3:::secret/*', 'arn:AWS:s3:::secret/*', 'arn:aws:s3:::SECRET/x'].map(
      (resource) => verdictOf([allow(['s3:GetObject'], [resource])], ceiling),
    );
    // Assess
    for (const verdict of verdicts) assert.equal(verdict.contained, false);
  });

  it('uses TRN segments for Volcengine and keeps action case strict there', () => {
    // Prepare
    const ceiling = [allow(['tos:Get*'], ['trn:tos:*:2100000001:bucket/*'])];
    // Act
    const inside = verdictOf(
      [allow(['tos:GetObject'], ['trn:tos:cn-beijing:2100000001:bucket/a'])],
      ceiling,
      'volcengine',
    );
    const otherAccount = verdictOf(
      [allow(['tos:GetObject'], ['trn:tos::2100000002:bucket/a'])],
      ceiling,
      'volcengine',
    );
    const caseGame = verdictOf(
      [allow(['TOS:GETOBJECT'], ['trn:tos::2100000001:bucket/a'])],
      ceiling,
      'volcengine',
    );
    // Assess
    assert.equal(inside.contained, true);
    assert.equal(otherAccount.contained, false);
    assert.match(otherAccount.explanation[0] ?? '', /account segment/);
    assert.equal(caseGame.contained, false);
    assert.match(caseGame.explanation[0] ?? '', /differs from the ceiling's `tos:Get\*` in case/);
  });
});

describe('checkContainment: statements and conditions', () => {
  const bucket = 'arn:aws:s3:::bucket/*';
  const tls: ConditionBlock = { Bool: { 'aws:SecureTransport': 'true' } };

  it('needs one ceiling statement to cover both the action and the resource of a pair', () => {
    // Prepare
    const ceiling = [
      allow(['s3:GetObject'], ['arn:aws:s3:::a/*']),
      allow(['s3:PutObject'], ['arn:aws:s3:::b/*']),
    ];
    // Act
    const crossed = verdictOf([allow(['s3:GetObject'], ['arn:aws:s3:::b/*'])], ceiling);
    const straight = verdictOf([allow(['s3:GetObject', 's3:PutObject'], ['arn:aws:s3:::a/x'])], ceiling);
    // Assess
    assert.equal(crossed.contained, false);
    assert.match(crossed.explanation[0] ?? '', /ceiling statement 0 covers the action but not the resource/);
    assert.equal(straight.contained, false);
    assert.deepEqual(
      straight.statements[0]?.uncovered.map((pair) => pair.action),
      ['s3:PutObject'],
    );
    assert.deepEqual(straight.statements[0]?.coveredBy, [0]);
  });

  it('never lets a conditional ceiling Allow cover an unconditional request', () => {
    // Act
    const verdict = verdictOf([allow(['s3:GetObject'], [bucket])], [allow(['s3:*'], ['*'], tls)]);
    // Assess
    assert.equal(verdict.contained, false);
    assert.match(verdict.explanation[0] ?? '', /Conditions differ/);
  });

  it('accepts a requested Condition only when a covering ceiling statement has the identical one', () => {
    // Prepare
    const reordered: ConditionBlock = {
      Bool: { 'aws:SecureTransport': 'true' },
      IpAddress: { 'aws:SourceIp': ['10.0.0.0/8'] },
    };
    const sameReordered: ConditionBlock = {
      IpAddress: { 'aws:SourceIp': ['10.0.0.0/8'] },
      Bool: { 'aws:SecureTransport': 'true' },
    };
    // Act
    const identical = verdictOf([allow(['s3:GetObject'], [bucket], tls)], [allow(['s3:*'], ['*'], tls)]);
    const keyOrder = verdictOf(
      [allow(['s3:GetObject'], [bucket], reordered)],
      [allow(['s3:*'], ['*'], sameReordered)],
    );
    const different = verdictOf(
      [allow(['s3:GetObject'], [bucket], { Bool: { 'aws:SecureTransport': 'false' } })],
      [allow(['s3:*'], ['*'], tls)],
    );
    const underUnconditional = verdictOf([allow(['s3:GetObject'], [bucket], tls)], [allow(['s3:*'], ['*'])]);
    // Assess
    assert.equal(identical.contained, true);
    assert.equal(keyOrder.contained, true);
    assert.equal(different.contained, false);
    // Invariant 7: a request Condition needs the identical Condition on the ceiling side.
    assert.equal(underUnconditional.contained, false);
  });

  it('refuses an action that reaches a ceiling Deny only in other letter case, A and Z included', () => {
    // Prepare: actions compare case-insensitively, so each of these is denied by the ceiling
    const ceiling = [allow(['ec2:*'], ['*']), deny(['ec2:Authorize*', 'ec2:zap*'], ['*'])];
    const requests = ['ec2:AUTHORIZESECURITYGROUPINGRESS', 'ec2:authorizeSecurityGroupIngress', 'ec2:ZAPALL'];
    // Act
    const verdicts = requests.map((action) => verdictOf([allow([action], ['*'])], ceiling));
    // Assess
    for (const verdict of verdicts) {
      assert.equal(verdict.contained, false);
      assert.match(verdict.explanation[0] ?? '', /ceiling Deny statement 1/);
    }
  });

  it('explains every uncovered pair, naming the statement and its Sid', () => {
    // Prepare
    const request: Policy = {
      statements: [
        { sid: 'Writes', effect: 'Allow', actions: ['s3:PutObject', 's3:DeleteObject'], resources: [bucket] },
      ],
    };
    // Act
    const verdict = checkContainment(request, { statements: [allow(['s3:Get*'], ['*'])] }, 'aws');
    // Assess
    assert.equal(verdict.explanation.length, 2);
    assert.match(
      verdict.explanation[0] ?? '',
      /^Statement 0 \(Writes\): action `s3:PutObject` on resource `arn:aws:s3:::bucket\/\*` is outside the ceiling/,
    );
    assert.equal(verdict.statements[0]?.sid, 'Writes');
  });

  it('caps the explanation at 20 pairs and says there may be more', () => {
    // Prepare
    const actions = Array.from({ length: 30 }, (_, index) => `s3:Action${index}`);
    // Act
    const verdict = verdictOf([allow(actions, [bucket])], [allow(['ec2:*'], ['*'])]);
    const exactly = verdictOf([allow(actions.slice(0, 20), [bucket])], [allow(['ec2:*'], ['*'])]);
    // Assess
    assert.equal(verdict.contained, false);
    assert.equal(verdict.explanation.length, 21);
    assert.match(verdict.explanation[20] ?? '', /possibly more pairs outside the ceiling/);
    assert.equal(verdict.statements[0]?.uncovered.length, 20);
    assert.equal(exactly.explanation.length, 20);
    assert.doesNotMatch(exactly.explanation.join('\n'), /possibly more/);
  });

  it('rejects everything when the ceiling has no Allow', () => {
    // Act
    const verdict = verdictOf([allow(['s3:GetObject'], [bucket])], [deny(['ec2:*'], ['*'])]);
    // Assess
    assert.equal(verdict.contained, false);
    assert.match(verdict.explanation[0] ?? '', /no Allow statement/);
  });
});

describe("checkContainment with the ceiling's Denies sent along", () => {
  const bucket = 'arn:aws:s3:::bucket/*';
  const privateObjects = 'arn:aws:s3:::bucket/private/*';
  const sent = (request: Statement[], ceiling: Statement[]) =>
    checkContainment({ statements: request }, { statements: ceiling }, 'aws', { ceilingDenies: 'sent' });

  it('accepts a request that overlaps a ceiling Deny and names the Deny to send', () => {
    // Prepare
    const ceiling = [allow(['s3:*'], ['*']), deny(['s3:Delete*'], [privateObjects]), deny(['ec2:*'], ['*'])];
    const request = [allow(['s3:*Object'], [bucket])];
    // Act
    const withheld = verdictOf(request, ceiling);
    const withDenies = sent(request, ceiling);
    // Assess
    assert.equal(withheld.contained, false);
    assert.equal(withDenies.contained, true, withDenies.explanation.join('\n'));
    assert.deepEqual(withDenies.ceilingDenies, [1]);
  });

  it('still needs a ceiling Allow for what no Deny takes away', () => {
    // Act
    const verdict = sent(
      [allow(['s3:*'], [bucket])],
      [allow(['s3:Get*'], ['*']), deny(['s3:Delete*'], ['*'])],
    );
    // Assess
    assert.equal(verdict.contained, false);
    assert.match(verdict.explanation[0] ?? '', /no ceiling Allow statement covers the action/);
    assert.equal(verdict.ceilingDenies, undefined);
  });

  it('accepts a pair that a sent Deny covers whole, since the session gets none of it', () => {
    // Prepare: nothing allows the private objects, and a Deny takes them all.
    const ceiling = [
      allow(['s3:GetObject'], ['arn:aws:s3:::bucket/public/*']),
      deny(['s3:*'], [privateObjects]),
    ];
    // Act
    const whole = sent([allow(['s3:GetObject'], ['arn:aws:s3:::bucket/private/a/*'])], ceiling);
    const partly = sent([allow(['s3:GetObject'], [bucket])], ceiling);
    // Assess
    assert.equal(whole.contained, true);
    assert.deepEqual(whole.ceilingDenies, [1]);
    assert.equal(partly.contained, false);
  });

  it("lets a conditional Deny cover a pair only under the requested statement's own Condition", () => {
    // Prepare
    const tls: ConditionBlock = { Bool: { 'aws:SecureTransport': 'true' } };
    const vpc: ConditionBlock = { StringEquals: { 'aws:SourceVpc': 'vpc-1' } };
    const ceiling = [allow(['s3:GetObject'], ['arn:aws:s3:::other/*'], tls), deny(['s3:*'], [bucket], tls)];
    // Act
    const same = sent([allow(['s3:GetObject'], [bucket], tls)], ceiling);
    const other = sent([allow(['s3:GetObject'], [bucket], vpc)], ceiling);
    const none = sent([allow(['s3:GetObject'], [bucket])], ceiling);
    // Assess
    assert.equal(same.contained, true);
    assert.equal(other.contained, false);
    assert.equal(none.contained, false);
  });
});

describe('checkContainment: bounded work', () => {
  // A ceiling with several Allows and Denies, none of which covers or meets `t:a` on `trn::::`.
  const ceiling: Policy = {
    statements: [
      allow(['tos:Get*', 'tos:List*'], ['trn:tos:::bucket/*', 'trn:tos:::bucket']),
      allow(['iam:Get*'], ['trn:iam::2100000001:role/*']),
      allow(['ecs:Describe*'], ['trn:ecs:cn-beijing:2100000001:instance/*']),
      deny(['tos:Delete*'], ['trn:tos:::bucket/*']),
      deny(['iam:*'], ['trn:iam::2100000001:role/admin']),
    ],
  };
  const covered = allow(['tos:GetObject', 'tos:ListBucket'], ['trn:tos:::bucket/a', 'trn:tos:::bucket']);
  const coveredPairs = covered.actions.length * covered.resources.length;

  /** The most pairs the caps admit: covered pairs first, then 100 actions × as many resources as fit. */
  function worstRequest(): Policy {
    const resources: string[] = [];
    const document = () => ({
      Statement: [
        { Effect: 'Allow', Action: covered.actions, Resource: covered.resources },
        { Effect: 'Allow', Action: Array.from({ length: 100 }, () => 't:a'), Resource: resources },
      ],
    });
    while (
      resources.length < 100 &&
      JSON.stringify(document()).length + 10 <= POLICY_LIMITS.maxSize.volcengine
    )
      resources.push('trn::::');
    const parsed = parsePolicyDocument(document(), 'volcengine', 'request');
    assert.ok(parsed.ok, JSON.stringify(parsed));
    // The 100 × 100 list caps bind before the 2048-character one does.
    assert.ok(resources.length === 100 || parsed.minified.length > POLICY_LIMITS.maxSize.volcengine - 10);
    return parsed.policy;
  }

  function countedCheck(request: Policy, mode: ContainmentOptions['ceilingDenies']) {
    const examined = { covered: 0, uncovered: 0 };
    const verdict = checkContainment(request, ceiling, 'volcengine', {
      ceilingDenies: mode,
      onPairExamined: (outcome) => {
        examined[outcome] += 1;
      },
    });
    return { verdict, examined };
  }

  function assertStopsEarly(mode: ContainmentOptions['ceilingDenies']) {
    // Prepare
    const request = worstRequest();
    const pairs = request.statements.reduce((sum, s) => sum + s.actions.length * s.resources.length, 0);
    // Act
    const { verdict, examined } = countedCheck(request, mode);
    // Assess: thousands of pairs, yet only the covered ones and 20 uncovered ones are examined.
    assert.ok(pairs > 1000, `${pairs}`);
    assert.equal(verdict.contained, false);
    assert.equal(examined.uncovered, 20);
    assert.ok(examined.covered <= coveredPairs, `${examined.covered}`);
    assert.equal(verdict.statements.flatMap((s) => s.uncovered).length, 20);
    assert.equal(verdict.explanation.length, 21);
    assert.match(verdict.explanation.at(-1) ?? '', /possibly more pairs outside the ceiling/);
    assert.equal(verdict.ceilingDenies, undefined);
    assert.ok(containmentVerdict.safeParse(verdict).success);
  }

  it('stops examining pairs after 20 uncovered ones in the worst request the caps admit (Denies withheld)', () => {
    assertStopsEarly('withheld');
  });

  it('stops examining pairs after 20 uncovered ones in the worst request the caps admit (Denies sent)', () => {
    assertStopsEarly('sent');
  });

  it('stops before a statement once 20 pairs are uncovered, and never calls that contained', () => {
    // Prepare: 20 uncovered pairs, then a statement that is inside the ceiling.
    const request: Policy = {
      statements: [
        allow(
          Array.from({ length: 20 }, () => 't:a'),
          ['trn::::'],
        ),
        covered,
      ],
    };
    // Act
    const { verdict, examined } = countedCheck(request, 'withheld');
    // Assess
    assert.equal(verdict.contained, false);
    assert.deepEqual(examined, { covered: 0, uncovered: 20 });
    assert.equal(verdict.statements.length, 1);
    assert.match(verdict.explanation.at(-1) ?? '', /possibly more/);
    assert.ok(containmentVerdict.safeParse(verdict).success);
  });

  it('examines every pair of a request it finds contained', () => {
    // Prepare
    const request: Policy = { statements: [covered, covered] };
    // Act
    const { verdict, examined } = countedCheck(request, 'sent');
    // Assess
    assert.equal(verdict.contained, true);
    assert.deepEqual(examined, { covered: 2 * coveredPairs, uncovered: 0 });
  });
});

describe('checkContainment: explanations', () => {
  it('gives each reason of one pair on its own: every ceiling Deny the pair may reach', () => {
    // Prepare: the request reaches two Denies (statements 1 and 2) with one action and resource
    const request = [allow(['s3:DeleteObject'], ['arn:aws:s3:::bucket/private/x'])];
    const ceiling = [
      allow(['s3:*'], ['arn:aws:s3:::bucket/*']),
      deny(['s3:Delete*'], ['arn:aws:s3:::bucket/private/*']),
      deny(['s3:DeleteObject'], ['arn:aws:s3:::bucket/*']),
    ];
    // Act
    const verdict = verdictOf(request, ceiling);
    // Assess
    const uncovered = verdict.statements.flatMap((statement) => statement.uncovered);
    assert.equal(uncovered.length, 1);
    const reasons = uncovered[0]?.reason.split('; ') ?? [];
    assert.equal(reasons.length, 2, uncovered[0]?.reason);
    assert.match(
      reasons[0] ?? '',
      /^ceiling Deny statement 1 \(`s3:Delete\*` on `arn:aws:s3:::bucket\/private\/\*`\) may match it$/,
    );
    assert.match(
      reasons[1] ?? '',
      /^ceiling Deny statement 2 \(`s3:DeleteObject` on `arn:aws:s3:::bucket\/\*`\) may match it$/,
    );
  });
});
