import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestSystem, type TestSystem } from '../../../../test/helpers/system.js';

let t: TestSystem;
before(async () => {
  t = await startTestSystem();
});
after(() => t.close());

const get = (url: string) => t.app.inject({ method: 'GET', url });

test('81 provinces under both spellings, one by its plate code', async () => {
  for (const url of ['/info/cities', '/info/city']) {
    const cities = (await get(url)).json();
    assert.equal(cities.length, 81);
    assert.deepEqual(
      cities.find((c: { code: string }) => c.code === '34'),
      { code: '34', name: 'İstanbul' },
    );
  }
  assert.deepEqual((await get('/info/cities/6')).json(), { code: '06', name: 'Ankara' });
  const missing = await get('/info/city/82');
  assert.equal(missing.statusCode, 404);
  assert.equal(missing.json().errors[0].code, 'H904');
});

test('districts carry their province; Şişli is in İstanbul and its code finds it again', async () => {
  const istanbul = (await get('/info/town?cityCode=34')).json();
  assert.equal(istanbul.length, 39);
  const sisli = istanbul.find((town: { name: string }) => town.name === 'Şişli');
  assert.equal(sisli.city_code, '34');
  assert.match(sisli.code, /^34\d{2}$/);
  assert.deepEqual((await get(`/info/towns/${sisli.code}`)).json(), sisli);
  const all = (await get('/info/towns')).json();
  assert.ok(all.length > 900, `${all.length} districts`);
  assert.equal(new Set(all.map((town: { code: string }) => town.code)).size, all.length, 'codes are unique');
  assert.equal((await get('/info/town/9999')).statusCode, 404);
});
