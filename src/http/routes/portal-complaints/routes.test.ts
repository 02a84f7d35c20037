/**
 * The company's side of a complaint (issue 14): the company is told, sees the complaint with the address
 * masked, answers before its deadline with the evidence it attached, and the regulator reads both sides.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { signIn } from '../../../../test/helpers/citizen.js';
import { multipart } from '../../../../test/helpers/multipart.js';
import {
  COMPANY_APPLICATION,
  onboardProvider,
  PERSON_APPLICATION,
  type PortalUser,
} from '../../../../test/helpers/portal.js';
import { recentWireDate, startTestSystem, type TestSystem } from '../../../../test/helpers/system.js';

const phone = '+905557790001';
const FORM_PDF = Buffer.from('%PDF-1.7\n% ıslak imzalı izin formu\n%%EOF\n');
const now = new Date();
let t: TestSystem;
let admin: PortalUser;
let brandCode: number;
let transactionId: string;
let complaintId: string;
let staffKey: string;

before(async () => {
  t = await startTestSystem({ clock: () => now });
  ({ admin, brandCode } = await onboardProvider(t));
  const recorded = await admin.call('POST', `/api/portal/brands/${brandCode}/consents`, {
    recipient: phone,
    recipientType: 'BIREYSEL',
    type: 'MESAJ',
    status: 'ONAY',
    source: 'HS_FIZIKSEL_ORTAM',
    consentDate: recentWireDate(60_000, now),
  });
  transactionId = recorded.json().transactionId;
  staffKey = await t.system.regulator.addKey('Ayşe Denetçi');
});
after(() => t.close());

test('the company is told of a complaint naming its brand and sees it with the address masked', async () => {
  const evidenceForm = multipart(
    { transactionId },
    { field: 'file', name: 'form.pdf', type: 'application/pdf', data: FORM_PDF },
  );
  const attached = await t.app.inject({
    method: 'POST',
    url: `/api/portal/brands/${brandCode}/consents/evidence`,
    headers: {
      cookie: admin.cookie,
      'x-csrf-token': admin.csrfToken,
      'content-type': evidenceForm.contentType,
    },
    payload: evidenceForm.payload,
  });
  assert.equal(attached.statusCode, 200, attached.body);

  const citizen = await signIn(t, phone);
  const filedAt = new Date();
  const filed = await citizen.call('POST', '/api/citizen/complaints', {
    addressId: citizen.addressId,
    brandCode,
    type: 'MESAJ',
    receivedAt: recentWireDate(30_000, now),
    messageText: 'İzin vermediğim halde kampanya SMS’i geldi.',
  });
  assert.equal(filed.statusCode, 200, filed.body);
  complaintId = filed.json().id;

  const mail = await t.system.devOutbox!.waitFor(
    (m) => m.to === COMPANY_APPLICATION.email && m.at >= filedAt && /şikayet/.test(m.subject ?? ''),
  );
  assert.match(mail.text, /Şikayetler sayfasında/);
  assert.ok(!mail.text.includes(phone.slice(3)), 'the mail names no complainant');

  const listed = (await admin.call('GET', '/api/portal/complaints')).json();
  assert.equal(listed.length, 1);
  const [complaint] = listed;
  assert.equal(complaint.address, '+90 555 *** ** 01');
  assert.equal(complaint.messageText, 'İzin vermediğim halde kampanya SMS’i geldi.');
  assert.equal(complaint.history[0].transactionId, transactionId);
  assert.deepEqual(
    complaint.evidence.map((e: { mediaType: string }) => e.mediaType),
    ['application/pdf'],
  );
  assert.match(complaint.answerDueAt, /^\d{4}-\d{2}-\d{2} 23:59:59$/);
  assert.ok(!JSON.stringify(listed).includes(phone), 'the full address never reaches the company');
});

test('the company answers with its evidence; the regulator reads both sides and the evidence itself', async () => {
  const wrong = await admin.call('POST', `/api/portal/complaints/${complaintId}/answers`, {
    text: 'İzin formu ektedir.',
    transactionIds: ['f'.repeat(64)],
  });
  assert.deepEqual([wrong.statusCode, wrong.json().errors[0].location], [422, ['transactionIds']]);
  const answered = await admin.call('POST', `/api/portal/complaints/${complaintId}/answers`, {
    text: 'Alıcı izni mağazamızda ıslak imzayla verdi; form ektedir.',
    transactionIds: [transactionId],
  });
  assert.equal(answered.statusCode, 200, answered.body);

  const staff = (url: string) => t.app.inject({ url, headers: { authorization: `Bearer ${staffKey}` } });
  const queue = (await staff('/api/regulator/complaints')).json();
  const seen = queue.find((c: { id: string }) => c.id === complaintId);
  assert.equal(seen.companyAnswers.length, 1);
  assert.match(seen.companyAnswers[0].text, /ıslak imzayla/);
  assert.equal(seen.companyAnswers[0].evidence[0].transactionId, transactionId);
  assert.ok(seen.evidence.history.length > 0, 'beside the registry’s point-in-time record');

  const file = await staff(`/api/regulator/evidence/${seen.companyAnswers[0].evidence[0].evidenceId}`);
  assert.equal(file.statusCode, 200);
  assert.equal(file.headers['content-type'], 'application/pdf');
  assert.match(String(file.headers['content-disposition']), /^attachment;/);
  assert.ok(file.rawPayload.equals(FORM_PDF));
  const audit = (await staff('/api/regulator/audit?action=evidence.download')).json();
  assert.equal(audit.length, 1);

  // The decision reaches the company too.
  const decidedAt = new Date();
  const decided = await t.app.inject({
    method: 'POST',
    url: `/api/regulator/complaints/${complaintId}/decision`,
    headers: { authorization: `Bearer ${staffKey}` },
    payload: { decision: 'rejected', note: 'İzin belgelenmiş.' },
  });
  assert.equal(decided.statusCode, 200, decided.body);
  const told = await t.system.devOutbox!.waitFor(
    (m) => m.to === COMPANY_APPLICATION.email && m.at >= decidedAt && /değerlendirildi/.test(m.subject ?? ''),
  );
  assert.match(told.text, /Kurul şikayeti reddetti/);

  // Another company sees neither the complaint nor the evidence.
  const other = await onboardProvider(t, PERSON_APPLICATION);
  assert.deepEqual((await other.admin.call('GET', '/api/portal/complaints')).json(), []);
  const notTheirs = await other.admin.call('POST', `/api/portal/complaints/${complaintId}/answers`, {
    text: 'x',
  });
  assert.equal(notTheirs.json().errors[0].code, 'H933');
  const evidenceId = seen.companyAnswers[0].evidence[0].evidenceId;
  assert.equal(
    (await other.admin.call('GET', `/api/portal/evidence/${evidenceId}`)).json().errors[0].code,
    'H997',
  );
});

test('after the deadline the company can no longer answer', async () => {
  // The deadline passed (ten business days are longer than a portal session, so it is moved instead).
  await t.system.database.db
    .updateTable('complaints')
    .set({ answer_due_at: new Date(now.getTime() - 1000) })
    .where('id', '=', complaintId)
    .execute();
  const late = await admin.call('POST', `/api/portal/complaints/${complaintId}/answers`, {
    text: 'Geç yanıt.',
  });
  assert.deepEqual([late.statusCode, late.json().errors[0].code], [409, 'H996']);
});
