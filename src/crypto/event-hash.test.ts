import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalEvent, leafHash, type HashedEvent } from './event-hash.js';

const event: HashedEvent = {
  transaction_id: 'ab'.repeat(32),
  brand_id: 7,
  recipient_key: Buffer.alloc(32, 1),
  recipient_type: 'BIREYSEL',
  type: 'MESAJ',
  status: 'ONAY',
  source: 'HS_WEB',
  consent_date: new Date('2026-11-29T07:00:00Z'),
  creation_date: new Date('2026-11-29T07:00:05Z'),
  retailer_code: null,
  retailer_access: [],
  actor_kind: 'provider',
  actor_id: '1',
};

test('the leaf hash is stable, independent of key order, and commits to every field', () => {
  const reordered = Object.fromEntries(Object.entries(event).reverse()) as unknown as HashedEvent;
  assert.deepEqual(leafHash(reordered), leafHash(event));
  assert.equal(leafHash(event).length, 32);
  for (const [field, value] of Object.entries({
    status: 'RET',
    brand_id: 8,
    actor_id: '2',
    source: null,
    retailer_access: [1],
  })) {
    assert.notDeepEqual(leafHash({ ...event, [field]: value }), leafHash(event), field);
  }
  assert.notDeepEqual(
    leafHash({ ...event, consent_date: new Date('2026-11-29T07:00:01Z') }),
    leafHash(event),
  );
  assert.match(canonicalEvent(event), /^\["openiys\/consent-event\/v1",/);
});
