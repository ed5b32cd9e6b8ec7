/**
 * Sample grants and callers shared by the tests. Grants go through the real zod schema,
 * so defaults (disabled: false, roleMaxSessionDurationSeconds: 3600) are the real ones.
 */
import type { z } from 'zod';
import {
  type AwsGrant,
  awsGrant,
  type GrantsFile,
  grantsFile,
  type VolcengineGrant,
  volcengineGrant,
} from '../../lib/config/grants-schema.js';
import { awsCaller, type Caller, oidcCaller } from '../../lib/grants/caller.js';

export const CALLER_ACCOUNT = '111111111111';
export const TARGET_ACCOUNT = '222222222222';
export const REPORTING_SERVICE = `arn:aws:iam::${CALLER_ACCOUNT}:role/reporting-service`;
export const ROTATION_JOB = `arn:aws:iam::${CALLER_ACCOUNT}:role/rotation-job`;
export const STRANGER = `arn:aws:iam::${CALLER_ACCOUNT}:role/stranger`;
export const REPORTS_ROLE = `arn:aws:iam::${TARGET_ACCOUNT}:role/reports-read`;
export const VAULT_ROLE = 'arn:aws:iam::333333333333:role/doris-storage-vault';
export const TOS_ROLE = 'trn:iam::2100000002:role/tos-reader';
export const OIDC_ISSUER = 'https://issuer.example.com';

export const REPORTS_CEILING = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:ListBucket'],
      Resource: ['arn:aws:s3:::reports-bucket', 'arn:aws:s3:::reports-bucket/*'],
    },
  ],
};

export type AwsGrantInput = z.input<typeof awsGrant>;
export type GrantsFileInput = z.input<typeof grantsFile>;

export function awsGrantOf(fields: Partial<AwsGrantInput> = {}): AwsGrant {
  return awsGrant.parse({
    id: 'reports-reader',
    callers: [REPORTING_SERVICE],
    provider: 'aws',
    roleArn: REPORTS_ROLE,
    externalId: 'reports-7f3a',
    ...fields,
  });
}

export function volcengineGrantOf(fields: Partial<z.input<typeof volcengineGrant>> = {}): VolcengineGrant {
  return volcengineGrant.parse({
    id: 'tos-reader',
    callers: [REPORTING_SERVICE],
    provider: 'volcengine',
    roleTrn: TOS_ROLE,
    ...fields,
  });
}

/** Plain input of a grants file: callers may edit it before parsing. */
export function sampleGrantsInput(): GrantsFileInput {
  return {
    version: 1,
    grants: [
      {
        id: 'reports-reader',
        callers: [REPORTING_SERVICE],
        provider: 'aws',
        roleArn: REPORTS_ROLE,
        externalId: 'reports-7f3a',
        defaultDurationSeconds: 900,
        maxDurationSeconds: 3600,
        policy: REPORTS_CEILING,
        sessionTags: { team: 'reporting', caller: '{caller.name}' },
      },
      {
        id: 'doris-vault-rotation',
        callers: [ROTATION_JOB, { issuer: OIDC_ISSUER, subject: 'rotation-job' }],
        provider: 'aws',
        roleArn: VAULT_ROLE,
        externalId: 'doris-vault-91c2',
        defaultDurationSeconds: 3600,
        maxDurationSeconds: 3600,
      },
      {
        id: 'tos-reader',
        callers: [REPORTING_SERVICE],
        provider: 'volcengine',
        roleTrn: TOS_ROLE,
        maxDurationSeconds: 3600,
      },
    ],
    auditors: [`arn:aws:iam::${CALLER_ACCOUNT}:role/security-audit`],
  };
}

export const sampleGrantsFile = (input: GrantsFileInput = sampleGrantsInput()): GrantsFile =>
  grantsFile.parse(input);

/** An authenticated AWS caller; fails the test at once when the ARN is not a caller shape. */
export function awsCallerOf(principalArn: string): Caller {
  const caller = awsCaller(principalArn);
  if (!caller) throw new Error(`not an AWS caller ARN: ${principalArn}`);
  return caller;
}

export const reportingCaller = (session = 'i-0abc123'): Caller =>
  awsCallerOf(`arn:aws:sts::${CALLER_ACCOUNT}:assumed-role/reporting-service/${session}`);

export const oidcRotationCaller = (): Caller => oidcCaller(OIDC_ISSUER, 'rotation-job');
