/** The variables every stage must set (lib/config/env.ts has no defaults for them). */
export const REQUIRED_ENV = {
  BROKER_STAGE: 'prod',
  BROKER_GRANTS_FILE: 'config/grants.example.yaml',
  BROKER_AUDIT_TABLE: 'credential-broker-prod-audit',
  BROKER_RATE_TABLE: 'credential-broker-prod-rate',
} as const;

/** A complete environment of a deployed stage, with overrides. */
export const brokerEnv = (overrides: Record<string, string> = {}): Record<string, string> => ({
  ...REQUIRED_ENV,
  ...overrides,
});
