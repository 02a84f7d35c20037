import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DEMO, startTestSystem, type TestSystem } from '../helpers/system.js';

let t: TestSystem;
let token: string;
before(async () => {
  t = await startTestSystem({ workers: false });
  token = await t.token();
});
after(() => t.close());

/** A small deterministic PRNG (mulberry32): a failure replays exactly. */
function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const FIELDS = [
  'recipient',
  'recipientType',
  'type',
  'status',
  'source',
  'consentDate',
  'retailerCode',
  'retailerAccess',
  '__proto__',
  'constructor',
  'x',
];
const ATOMS: unknown[] = [
  null,
  true,
  0,
  -1,
  1.5,
  2 ** 53,
  '',
  ' ',
  'ONAY',
  'RET',
  'BIREYSEL',
  'TACIR',
  'MESAJ',
  'EPOSTA',
  'ARAMA',
  'HS_WEB',
  'HS_2015',
  'HS_KARAR',
  'IYS_WEB',
  '+905321234567',
  '+90532',
  'a@b.co',
  'ali@example.com',
  '2015-05-01 00:00:00',
  '2099-01-01 00:00:00',
  '2024-02-30 10:00:00',
  '\u0000',
  '💥',
  'x'.repeat(5000),
  [],
  {},
  [1, 2],
  { $gt: '' },
];

function randomValue(random: () => number, depth = 0): unknown {
  const r = random();
  if (depth < 2 && r < 0.1)
    return Array.from({ length: Math.floor(random() * 4) }, () => randomValue(random, depth + 1));
  if (depth < 2 && r < 0.2) return randomObject(random, depth + 1);
  return ATOMS[Math.floor(random() * ATOMS.length)];
}

function randomObject(random: () => number, depth = 0): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (const field of FIELDS) if (random() < 0.6) object[field] = randomValue(random, depth);
  return object;
}

test('a thousand random bodies: every answer is a 2xx or a 4xx with the İYS error shape', async () => {
  const random = prng(20261129);
  const base = `/sps/${DEMO.iysCode}/brands/${DEMO.brandCode}`;
  const paths = ['/consents', '/consents/request', '/consents/status', '/consents/BIREYSEL/status/MESAJ'];
  let accepted = 0;
  for (let i = 0; i < 1000; i++) {
    const path = paths[i % paths.length]!;
    const body = path.endsWith('/request')
      ? Array.from({ length: 1 + Math.floor(random() * 3) }, () => randomObject(random))
      : path.includes('/status/')
        ? { recipients: randomValue(random) }
        : randomObject(random);
    const response = await t.app.inject({
      method: 'POST',
      url: base + path,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    });
    const context = `${path} ${JSON.stringify(body).slice(0, 300)} → ${response.statusCode} ${response.body.slice(0, 300)}`;
    assert.ok(response.statusCode < 500, context);
    if (response.statusCode >= 400) {
      const errors = response.json().errors;
      assert.ok(Array.isArray(errors) && errors.length > 0, context);
      for (const error of errors) assert.match(error.code, /^H\d{3}$/, context);
    } else {
      accepted++;
    }
  }
  // The generator must reach the success paths too, or the test would only ever see validation errors.
  assert.ok(accepted > 0, 'no random body was accepted');
});
