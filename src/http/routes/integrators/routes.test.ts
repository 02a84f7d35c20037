import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { COMPANY_APPLICATION, onboardProvider, type PortalUser } from '../../../../test/helpers/portal.js';
import {
  recentWireDate,
  recordConsent,
  startTestSystem,
  type TestSystem,
} from '../../../../test/helpers/system.js';
import { turkeyDay } from '../../../domain/wire-date.js';

let t: TestSystem;
let owner: { iysCode: number; brandCode: number; admin: PortalUser };
let partner: { iysCode: number; admin: PortalUser };
let ownerToken: string;
let partnerToken: string;

async function apiToken(admin: PortalUser, username: string): Promise<string> {
  const { password } = (await admin.call('POST', '/api/portal/api-users', { username })).json();
  return t.token(username, password);
}

before(async () => {
  t = await startTestSystem();
  owner = await onboardProvider(t);
  partner = await onboardProvider(t, {
    ...COMPANY_APPLICATION,
    title: 'Entegratör Yazılım A.Ş.',
    vkn: '0010010010',
    mersis: '0001001001000015',
    email: 'teknik@entegrator.example.com',
  });
  ownerToken = await apiToken(owner.admin, 'owner-api');
  partnerToken = await apiToken(partner.admin, 'partner-api');
});
after(() => t.close());

const asPartner = (method: 'GET' | 'POST', url: string, payload?: unknown) =>
  t.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${partnerToken}` },
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
const sps = () => `/sps/${owner.iysCode}/brands/${owner.brandCode}`;
const consent = (recipient: string, type: string) => ({
  recipient,
  recipientType: 'BIREYSEL',
  type,
  status: 'ONAY',
  source: 'HS_WEB',
  consentDate: recentWireDate(120_000),
});

test('without a grant the partner is a stranger', async () => {
  const response = await asPartner('POST', `${sps()}/consents`, consent('+905537770001', 'MESAJ'));
  assert.equal(response.statusCode, 403);
  assert.equal(response.json().errors[0].code, 'H353');
  const none = (await asPartner('GET', `/integrator/${partner.iysCode}/sps`)).json();
  assert.deepEqual(none.list, []);
});

test('granted MESAJ and reconciliation, the partner works within exactly those rights', async () => {
  const granted = await owner.admin.call('POST', '/api/portal/integrators', {
    brandCode: owner.brandCode,
    integratorCode: partner.iysCode,
    MESAJ: true,
    agreementControl: true,
  });
  assert.equal(granted.statusCode, 200, granted.body);

  const all = (await asPartner('GET', `/integrator/${partner.iysCode}/sps`)).json();
  assert.equal(all.title, 'Entegratör Yazılım A.Ş.');
  assert.deepEqual(all.list[0].brands[0], {
    brandCode: owner.brandCode,
    name: COMPANY_APPLICATION.title,
    master: true,
    agreementControl: true,
    ARAMA: 'none',
    MESAJ: 'write',
    EPOSTA: 'none',
  });
  const one = (await asPartner('GET', `/integrator/${partner.iysCode}/sps/${owner.iysCode}`)).json();
  assert.equal(one.list[0].iysCode, owner.iysCode);
  assert.equal(
    (await asPartner('GET', `/integrator/${partner.iysCode}/sps/700001`)).json().errors[0].code,
    'H245',
  );
  assert.equal((await asPartner('GET', `/integrator/${owner.iysCode}/sps`)).json().errors[0].code, 'H129');

  assert.equal(
    (await asPartner('POST', `${sps()}/consents`, consent('+905537770001', 'MESAJ'))).statusCode,
    200,
  );
  const call = await asPartner('POST', `${sps()}/consents`, consent('+905537770001', 'ARAMA'));
  assert.equal(call.statusCode, 404);
  assert.equal(call.json().errors[0].code, 'H355');
  const bulk = await asPartner('POST', `${sps()}/consents/request`, [
    consent('+905537770002', 'MESAJ'),
    consent('ali@example.com', 'EPOSTA'),
  ]);
  assert.equal(bulk.statusCode, 404);
  assert.deepEqual(
    bulk.json().errors.map((e: { index: number; code: string }) => [e.index, e.code]),
    [[2, 'H355']],
  );
  const status = await asPartner('POST', `${sps()}/consents/status`, {
    recipient: '+905537770001',
    recipientType: 'BIREYSEL',
    type: 'ARAMA',
  });
  assert.equal(status.json().errors[0].code, 'H355');

  // The owner's ARAMA consent stays out of the partner's changes feed.
  await recordConsent(t, ownerToken, consent('+905537770003', 'ARAMA'), owner);
  const feed = (await asPartner('GET', `${sps()}/consents/changes?source=HS`)).json();
  assert.deepEqual(
    feed.list.map((c: { type: string }) => c.type),
    ['MESAJ'],
  );

  // The owner's bulk request mixing channels: the partner reads back only the MESAJ item's result.
  const mixed = await t.app.inject({
    method: 'POST',
    url: `${sps()}/consents/request`,
    headers: { authorization: `Bearer ${ownerToken}` },
    payload: [consent('+905537770004', 'ARAMA'), consent('+905537770005', 'MESAJ')],
  });
  const { requestId } = mixed.json();
  await t.system.bulk.processBulkRequest(requestId);
  const ownerView = (
    await t.app.inject({
      method: 'GET',
      url: `${sps()}/consents/request/${requestId}`,
      headers: { authorization: `Bearer ${ownerToken}` },
    })
  ).json();
  assert.deepEqual(
    ownerView.map((item: { index: number }) => item.index),
    [1, 2],
  );
  const partnerView = (await asPartner('GET', `${sps()}/consents/request/${requestId}`)).json();
  assert.deepEqual(
    partnerView.map((item: { index: number; status: string }) => [item.index, item.status]),
    [[2, 'success']],
  );

  assert.equal((await asPartner('GET', `${sps()}/retailers`)).json().errors[0].code, 'H363');
  const summary = await asPartner('GET', `${sps()}/changes/${turkeyDay(new Date())}/recipients/BIREYSEL`);
  assert.equal(summary.statusCode, 200, summary.body);
  const listed = (await owner.admin.call('GET', '/api/portal/integrators')).json();
  assert.equal(listed[0].integratorCode, partner.iysCode);
});

test('withdrawn, the partner loses access at once; rights cannot be granted on a foreign brand', async () => {
  const revoked = await owner.admin.call(
    'DELETE',
    `/api/portal/integrators/${owner.brandCode}/${partner.iysCode}`,
  );
  assert.equal(revoked.statusCode, 200, revoked.body);
  const after = await asPartner('POST', `${sps()}/consents`, consent('+905537770009', 'MESAJ'));
  assert.equal(after.json().errors[0].code, 'H353');
  const foreign = await partner.admin.call('POST', '/api/portal/integrators', {
    brandCode: owner.brandCode,
    integratorCode: partner.iysCode,
    MESAJ: true,
  });
  assert.equal(foreign.json().errors[0].code, 'H930');
});
