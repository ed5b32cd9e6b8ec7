// GET /v1/audit/digests (auditors only): the signed digests of the sealed audit windows.
import { makeDigestListing } from '../../lib/audit/digest/digest-listing.js';
import { makeDynamoDigestStore } from '../../lib/audit/digest/dynamodb-digest-store.js';
import { httpHandler } from '../../lib/http/handler.js';
import { dynamodbClient } from '../shared/dynamodb.js';
import { allowList, config, httpOptions, logger } from '../shared/runtime.js';
import { auditDigestsRoute } from './route.js';

export const route = auditDigestsRoute({
  listDigests: makeDigestListing({
    store: makeDynamoDigestStore({
      client: dynamodbClient,
      tableName: config.auditTable,
      timeoutMs: config.dynamodb.timeoutMs,
    }),
  }),
  allowList,
  logger,
});

export const handler = httpHandler(route, httpOptions);
