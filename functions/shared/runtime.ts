/**
 * Module-scope dependencies shared by the function entry points: built once per cold
 * start, validated before the first request (a bad config or grants file fails the cold
 * start, not a request halfway through). SDK clients live in ./dynamodb.ts and ./sts.ts,
 * so a function loads only the clients it uses (cold start is mostly SDK loading).
 */
import { loadConfig } from '../../lib/config/env.js';
import { loadCompiledGrants } from '../../lib/config/grants-file.js';
import { makeAllowList } from '../../lib/grants/allow-list.js';
import { makeLogger } from '../../lib/observability/logger.js';

export const config = loadConfig(process.env);
export const logger = makeLogger();
/** The grants file compiled to JSON at packaging (no YAML parser at cold start). */
export const grantsFile = loadCompiledGrants(config.grantsFile);
export const allowList = makeAllowList(grantsFile);

export const httpOptions = { logger, maxBodyBytes: config.maxBodyBytes };
