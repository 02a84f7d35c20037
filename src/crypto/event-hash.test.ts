import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { canonicalEvent, leafHash, type HashedEvent } from './event-hash.js';
import { canonicalEvidence, evidenceLeafHash } from './evidence-hash.js';
import { leafHash as merkleLeafHash } from './merkle.js';

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

test('leaves are SHA-256 of 0x00 and the canonical UTF-8, as the stored log already holds them', () => {
  // The definition, hashed the long way: an optimisation of the hashing must never change a stored leaf.
  const reference = (text: string) => createHash('sha256').update(Buffer.of(0)).update(text, 'utf8').digest();
  const turkish = { ...event, actor_id: 'Çağrı Şükür İğdır', source: 'HS_ÇAĞRI_MERKEZİ' };
  for (const e of [event, turkish]) assert.deepEqual(leafHash(e), reference(canonicalEvent(e)));
  // Computed by the code before the one-shot hashes.
  assert.equal(
    leafHash(event).toString('hex'),
    'fb503b8a7600d6e7264841d784eb2f5a5c0b00c95dea9cd74d56016b3b688e78',
    'a known event keeps its leaf',
  );
  const evidence = {
    event_id: '42',
    brand_id: 7,
    recipient_key: Buffer.alloc(32, 1),
    transaction_id: 'ab'.repeat(32),
    media_type: 'application/pdf',
    bytes: 1234,
    sha256: Buffer.alloc(32, 2),
    actor_id: 'Öğretmen',
    created_at: new Date('2026-11-29T07:00:05Z'),
  };
  assert.deepEqual(evidenceLeafHash(evidence), reference(canonicalEvidence(evidence)));
  // The receipts' leaves are claims JSON given as text: the same prefix, the text as UTF-8.
  assert.deepEqual(merkleLeafHash('{"name":"Bench Operatör"}'), reference('{"name":"Bench Operatör"}'));
});
