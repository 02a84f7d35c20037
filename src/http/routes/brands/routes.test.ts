import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  DEMO,
  OTHER,
  recentWireDate,
  startTestSystem,
  type TestSystem,
} from '../../../../test/helpers/system.js';

let t: TestSystem;
let token: string;
before(async () => {
  t = await startTestSystem({ workers: false });
  token = await t.token();
});
after(() => t.close());

const get = (url: string, bearer = token) =>
  t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${bearer}` } });

test("brands are listed with their consent counts, only the caller's own", async () => {
  const add = (recipient: string, status: string, consentDate: string) =>
    t.app.inject({
      method: 'POST',
      url: `/sps/${DEMO.iysCode}/brands/${DEMO.brandCode}/consents`,
      headers: { authorization: `Bearer ${token}` },
      payload: { recipient, recipientType: 'BIREYSEL', type: 'MESAJ', status, source: 'HS_WEB', consentDate },
    });
  assert.equal((await add('+905321110001', 'ONAY', recentWireDate(120_000))).statusCode, 200);
  assert.equal((await add('+905321110002', 'ONAY', recentWireDate(120_000))).statusCode, 200);
  assert.equal((await add('+905321110002', 'RET', recentWireDate(60_000))).statusCode, 200);

  const response = await get(`/sps/${DEMO.iysCode}/brands`);
  assert.equal(response.statusCode, 200);
  assert.deepEqual(response.json(), [
    {
      brandCode: DEMO.brandCode,
      name: 'Demo Marka',
      master: true,
      stats: { consents: { approval: 1, rejection: 1, total: 2 }, retailers: { total: 0 } },
    },
    {
      brandCode: DEMO.secondBrandCode,
      name: 'Demo Marka İki',
      master: false,
      stats: { consents: { approval: 0, rejection: 0, total: 0 }, retailers: { total: 0 } },
    },
  ]);

  const other = await get(`/sps/${OTHER.iysCode}/brands`, await t.token(OTHER.username, OTHER.password));
  assert.deepEqual(
    other.json().map((b: { brandCode: number }) => b.brandCode),
    [OTHER.brandCode],
  );
});

test('iysCode must be an integer and the caller’s own', async () => {
  assert.equal((await get('/sps/x1/brands')).json().errors[0].code, 'H190');
  const foreign = await get(`/sps/${OTHER.iysCode}/brands`);
  assert.equal(foreign.statusCode, 403);
  assert.equal(foreign.json().errors[0].code, 'H353');
});
