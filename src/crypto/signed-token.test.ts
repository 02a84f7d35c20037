import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { TokenSigner } from './signed-token.js';

const signer = new TokenSigner(randomBytes(32));
const now = new Date('2026-11-29T12:00:00Z');
const later = new Date('2026-12-29T12:00:00Z');

test('a signed token round-trips its payload until it expires', () => {
  const token = signer.sign('short-link', { e: '42' }, later);
  assert.match(token, /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
  assert.deepEqual(signer.verify('short-link', token, now), { e: '42' });
  assert.equal(signer.verify('short-link', token, later), null);
});

test('tokens for another purpose, forged, altered or garbage are refused', () => {
  const token = signer.sign('short-link', { e: '42' }, later);
  assert.equal(signer.verify('other', token, now), null);
  assert.equal(new TokenSigner(randomBytes(32)).verify('short-link', token, now), null);
  const [body, mac] = token.split('.') as [string, string];
  const altered = Buffer.from(JSON.stringify({ e: '43', p: 'short-link', x: 9e9 })).toString('base64url');
  assert.equal(signer.verify('short-link', `${altered}.${mac}`, now), null);
  const flipped = (mac.startsWith('A') ? 'B' : 'A') + mac.slice(1);
  assert.equal(signer.verify('short-link', `${body}.${flipped}`, now), null);
  for (const garbage of ['', '.', 'abc', `${body}.`, `${body}.${mac}.x`, '%%%.%%%'])
    assert.equal(signer.verify('short-link', garbage, now), null);
});
