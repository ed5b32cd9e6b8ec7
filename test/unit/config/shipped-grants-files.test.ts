import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadGrants } from '../../../lib/config/grants.js';

describe('shipped grants files', () => {
  for (const file of ['local/grants.yaml', 'config/grants.example.yaml']) {
    it(`${file} validates as the broker validates at cold start`, () => {
      // Act
      const grants = loadGrants(file);
      // Assess
      assert.ok(grants.grants.length >= 2);
      assert.ok(grants.auditors.length >= 1);
    });
  }
});
