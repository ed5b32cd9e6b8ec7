import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { makeAllowList } from '../../../lib/grants/allow-list.js';
import { awsCaller, oidcCaller } from '../../../lib/grants/caller.js';
import {
  awsCallerOf,
  OIDC_ISSUER,
  oidcRotationCaller,
  REPORTING_SERVICE,
  REPORTS_ROLE,
  ROTATION_JOB,
  reportingCaller,
  STRANGER,
  sampleGrantsFile,
  sampleGrantsInput,
  VAULT_ROLE,
} from '../../support/grants.js';

describe('allow-list (invariant 4)', () => {
  it('allows a caller named by the grant, selected by grant id or by role ARN', () => {
    // Prepare
    const allowList = makeAllowList(sampleGrantsFile());
    const caller = reportingCaller();
    // Act
    const byId = allowList.authorize(caller, { grant: 'reports-reader' });
    const byRole = allowList.authorize(caller, { roleArn: REPORTS_ROLE });
    // Assess
    assert.ok(byId.allowed && byId.grant.id === 'reports-reader');
    assert.ok(byRole.allowed && byRole.grant.id === 'reports-reader');
  });

  it('allows the plain IAM role principal as well as its sessions', () => {
    // Prepare
    const allowList = makeAllowList(sampleGrantsFile());
    // Act
    const verdict = allowList.authorize(awsCallerOf(REPORTING_SERVICE), { grant: 'reports-reader' });
    // Assess
    assert.equal(verdict.allowed, true);
  });

  it('refuses a caller no grant names', () => {
    // Prepare
    const allowList = makeAllowList(sampleGrantsFile());
    // Act
    const verdict = allowList.authorize(awsCallerOf(STRANGER), { grant: 'reports-reader' });
    // Assess
    assert.deepEqual(verdict, { allowed: false, reason: 'no_matching_grant' });
  });

  it('refuses a role granted to this caller only through another grant', () => {
    // Prepare: rotation-job may use the vault role, not the reports role.
    const allowList = makeAllowList(sampleGrantsFile());
    const rotation = awsCallerOf(ROTATION_JOB);
    // Act
    const byRole = allowList.authorize(rotation, { roleArn: REPORTS_ROLE });
    const byId = allowList.authorize(rotation, { grant: 'reports-reader' });
    const own = allowList.authorize(rotation, { roleArn: VAULT_ROLE });
    // Assess
    assert.equal(byRole.allowed, false);
    assert.equal(byId.allowed, false);
    assert.equal(own.allowed, true);
  });

  it('does not let a session named after a granted role borrow its grant', () => {
    // Prepare: stranger's session is called "reporting-service".
    const allowList = makeAllowList(sampleGrantsFile());
    const impostor = awsCallerOf('arn:aws:sts::111111111111:assumed-role/stranger/reporting-service');
    // Act
    const verdict = allowList.authorize(impostor, { grant: 'reports-reader' });
    // Assess
    assert.deepEqual(verdict, { allowed: false, reason: 'no_matching_grant' });
  });

  it('does not match a user to a grant that names a role of the same name', () => {
    // Prepare
    const allowList = makeAllowList(sampleGrantsFile());
    const user = awsCallerOf('arn:aws:iam::111111111111:user/reporting-service');
    // Act
    const verdict = allowList.authorize(user, { grant: 'reports-reader' });
    // Assess
    assert.equal(verdict.allowed, false);
  });

  it('does not match the same role name in another account', () => {
    // Prepare
    const allowList = makeAllowList(sampleGrantsFile());
    const other = awsCallerOf('arn:aws:sts::999999999999:assumed-role/reporting-service/s1');
    // Act
    const verdict = allowList.authorize(other, { grant: 'reports-reader' });
    // Assess
    assert.equal(verdict.allowed, false);
  });

  it('matches an OIDC caller only on the exact issuer and subject', () => {
    // Prepare
    const allowList = makeAllowList(sampleGrantsFile());
    // Act
    const exact = allowList.authorize(oidcRotationCaller(), { grant: 'doris-vault-rotation' });
    const otherIssuer = allowList.authorize(oidcCaller('https://evil.example.com', 'rotation-job'), {
      grant: 'doris-vault-rotation',
    });
    const otherSubject = allowList.authorize(oidcCaller(OIDC_ISSUER, 'Rotation-job'), {
      grant: 'doris-vault-rotation',
    });
    // Assess
    assert.equal(exact.allowed, true);
    assert.equal(otherIssuer.allowed, false);
    assert.equal(otherSubject.allowed, false);
  });

  it('refuses a disabled grant with its own reason', () => {
    // Prepare
    const input = sampleGrantsInput();
    const [first] = input.grants;
    assert.ok(first);
    first.disabled = true;
    const allowList = makeAllowList(sampleGrantsFile(input));
    // Act
    const verdict = allowList.authorize(reportingCaller(), { grant: 'reports-reader' });
    // Assess
    assert.deepEqual(verdict, { allowed: false, reason: 'grant_disabled' });
  });

  it('refuses a denied caller whatever grants name it, and as an auditor too', () => {
    // Prepare
    const input = sampleGrantsInput();
    input.deniedCallers = [REPORTING_SERVICE];
    input.auditors = [REPORTING_SERVICE];
    const allowList = makeAllowList(sampleGrantsFile(input));
    // Act
    const verdict = allowList.authorize(reportingCaller(), { grant: 'reports-reader' });
    const auditor = allowList.isAuditor(reportingCaller());
    // Assess
    assert.deepEqual(verdict, { allowed: false, reason: 'caller_denied' });
    assert.equal(auditor, false);
  });

  it('blocks a denied AWS caller whose entry differs only in case (IAM names are case-insensitive)', () => {
    // Prepare
    const input = sampleGrantsInput();
    input.deniedCallers = [REPORTING_SERVICE.replace('reporting-service', 'Reporting-SERVICE')];
    const allowList = makeAllowList(sampleGrantsFile(input));
    // Act
    const verdict = allowList.authorize(reportingCaller(), { grant: 'reports-reader' });
    // Assess
    assert.deepEqual(verdict, { allowed: false, reason: 'caller_denied' });
  });

  it('keeps OIDC subjects case-sensitive in the kill switch: denying `Rotation-job` leaves `rotation-job` in', () => {
    // Prepare
    const input = sampleGrantsInput();
    input.deniedCallers = [{ issuer: OIDC_ISSUER, subject: 'Rotation-job' }];
    const allowList = makeAllowList(sampleGrantsFile(input));
    // Act
    const other = allowList.authorize(oidcRotationCaller(), { grant: 'doris-vault-rotation' });
    const named = allowList.authorize(oidcCaller(OIDC_ISSUER, 'Rotation-job'), {
      grant: 'doris-vault-rotation',
    });
    // Assess
    assert.equal(other.allowed, true);
    assert.deepEqual(named, { allowed: false, reason: 'caller_denied' });
  });

  it('refuses to guess between two enabled grants of the same role, but honours a named grant', () => {
    // Prepare
    const input = sampleGrantsInput();
    input.grants.push({
      id: 'reports-reader-wide',
      callers: [REPORTING_SERVICE],
      provider: 'aws',
      roleArn: REPORTS_ROLE,
    });
    const allowList = makeAllowList(sampleGrantsFile(input));
    // Act
    const byRole = allowList.authorize(reportingCaller(), { roleArn: REPORTS_ROLE });
    const byId = allowList.authorize(reportingCaller(), { grant: 'reports-reader' });
    // Assess
    assert.deepEqual(byRole, { allowed: false, reason: 'ambiguous_role' });
    assert.ok(byId.allowed && byId.grant.id === 'reports-reader');
  });

  for (const grant of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
    it(`finds no grant for the prototype name ${grant}`, () => {
      // Prepare
      const allowList = makeAllowList(sampleGrantsFile());
      // Act
      const verdict = allowList.authorize(reportingCaller(), { grant });
      // Assess
      assert.deepEqual(verdict, { allowed: false, reason: 'no_matching_grant' });
    });
  }

  it('lists auditors separately from grants', () => {
    // Prepare
    const allowList = makeAllowList(sampleGrantsFile());
    // Act
    const auditor = allowList.isAuditor(
      awsCallerOf('arn:aws:sts::111111111111:assumed-role/security-audit/s1'),
    );
    const grantee = allowList.isAuditor(reportingCaller());
    // Assess
    assert.equal(auditor, true);
    assert.equal(grantee, false);
  });
});

/** Replaces the character at `index` with `replacement` (a different character). */
const mutate = (text: string, index: number, replacement: string) =>
  text.slice(0, index) + replacement + text.slice(index + 1);

/** The other ASCII case of a letter (written here, not borrowed from the code under test). */
const otherCase = (char: string) => {
  const code = char.charCodeAt(0);
  if (code >= 0x41 && code <= 0x5a) return String.fromCharCode(code + 0x20);
  if (code >= 0x61 && code <= 0x7a) return String.fromCharCode(code - 0x20);
  return char;
};

/**
 * An index and a replacement: any code point, printable ASCII (where a matcher that folds
 * case or reads punctuation loosely would slip), the same letter in the other case, or a
 * lookalike.
 */
const oneCharMutation = (text: string) =>
  fc
    .nat({ max: text.length - 1 })
    .chain((index) =>
      fc.tuple(
        fc.constant(index),
        fc.oneof(
          fc.string({ minLength: 1, maxLength: 1, unit: 'binary' }),
          fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)),
          fc.constant(otherCase(text[index] ?? '')),
          fc.constantFrom('\u0435', '\u0430', '\u043e', '\u200b', '/', '*', '?'),
        ),
      ),
    )
    .filter(([index, replacement]) => text[index] !== replacement);

describe('allow-list: matching is exact (property)', () => {
  it('never allows a caller ARN that differs from the granted one in one character', () => {
    const allowList = makeAllowList(sampleGrantsFile());
    fc.assert(
      fc.property(oneCharMutation(REPORTING_SERVICE), ([index, replacement]) => {
        // Prepare
        const caller = awsCaller(mutate(REPORTING_SERVICE, index, replacement));
        fc.pre(caller !== undefined);
        // Act
        const verdict = caller ? allowList.authorize(caller, { grant: 'reports-reader' }) : undefined;
        // Assess
        assert.equal(verdict?.allowed, false);
      }),
      { numRuns: 500 },
    );
  });

  it('never allows a role ARN that differs from the granted one in one character', () => {
    const allowList = makeAllowList(sampleGrantsFile());
    const caller = reportingCaller();
    fc.assert(
      fc.property(oneCharMutation(REPORTS_ROLE), ([index, replacement]) => {
        // Prepare
        const roleArn = mutate(REPORTS_ROLE, index, replacement);
        // Act
        const verdict = allowList.authorize(caller, { roleArn });
        // Assess
        assert.equal(verdict.allowed, false);
      }),
      { numRuns: 500 },
    );
  });

  it('never allows a grant id that differs from the granted one in one character', () => {
    const allowList = makeAllowList(sampleGrantsFile());
    const caller = reportingCaller();
    fc.assert(
      fc.property(oneCharMutation('reports-reader'), ([index, replacement]) => {
        // Prepare
        const grant = mutate('reports-reader', index, replacement);
        // Act
        const verdict = allowList.authorize(caller, { grant });
        // Assess
        assert.equal(verdict.allowed, false);
      }),
      { numRuns: 300 },
    );
  });
});

describe("allow-list: a caller's own grants (property)", () => {
  const POOL = [
    'arn:aws:iam::111111111111:role/reporting-service',
    'arn:aws:iam::111111111111:role/rotation-job',
    'arn:aws:iam::222222222222:role/reporting-service',
    'arn:aws:iam::111111111111:user/alice',
  ] as const;
  const ROLES = [REPORTS_ROLE, VAULT_ROLE] as const;
  const grantArb = fc.record({
    callers: fc.uniqueArray(fc.constantFrom(...POOL), { minLength: 1 }),
    roleArn: fc.constantFrom(...ROLES),
    disabled: fc.boolean(),
  });

  it('lists exactly the enabled grants naming the caller, none when it is denied: what authorize allows by id', () => {
    fc.assert(
      fc.property(
        fc.array(grantArb, { minLength: 1, maxLength: 6 }),
        fc.uniqueArray(fc.constantFrom(...POOL)),
        fc.constantFrom(...POOL),
        fc.boolean(),
        (grants, deniedCallers, principal, asSession) => {
          // Prepare
          const file = sampleGrantsFile({
            version: 1,
            grants: grants.map((g, n) => ({ id: `grant-${n}`, provider: 'aws', ...g })),
            deniedCallers,
          });
          const allowList = makeAllowList(file);
          // An assumed-role session of a role is that role; a user has no session form here.
          const arn =
            asSession && principal.includes(':role/')
              ? principal.replace(':iam::', ':sts::').replace(':role/', ':assumed-role/').concat('/s1')
              : principal;
          const caller = awsCallerOf(arn);
          // Oracle: plain string comparisons on the configured principal, no shared code.
          const expected = deniedCallers.includes(principal)
            ? []
            : grants.flatMap((g, n) => (!g.disabled && g.callers.includes(principal) ? [`grant-${n}`] : []));
          // Act
          const own = allowList.grantsOf(caller).map((g) => g.id);
          const allowedById = file.grants
            .filter((g) => allowList.authorize(caller, { grant: g.id }).allowed)
            .map((g) => g.id);
          // Assess
          assert.deepEqual(own, expected);
          assert.deepEqual(own, allowedById);
        },
      ),
      { numRuns: 300 },
    );
  });
});
