// GET /v1/audit/public-key (auditors only): the public half of the KMS digest key.
import { admitAuditor } from '../shared/audit-gate.js';
import { digestSigner } from '../shared/kms.js';
import { httpOptions } from '../shared/runtime.js';
import { type AuditPublicKeyPorts, makeHandler } from './compose.js';

export const ports: AuditPublicKeyPorts = { publicKey: () => digestSigner.publicKey(), admitAuditor };

export const handler = makeHandler(ports, httpOptions);
