// Imported first by every local handler, so the check runs before any deployed module
// (SDK clients, grants, secrets) is even evaluated.
import { assertLocalStack } from './local-stack.js';

assertLocalStack(process.env.BROKER_STAGE, process.env);
