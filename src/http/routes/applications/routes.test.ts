import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  AGREEMENT_PDF,
  COMPANY_APPLICATION,
  PERSON_APPLICATION,
  invitationTokenFor,
  submitApplication,
} from '../../../../test/helpers/portal.js';
import { startTestSystem, type TestSystem } from '../../../../test/helpers/system.js';

let t: TestSystem;
let adminKey: string;
let regulatorKey: string;
before(async () => {
  t = await startTestSystem();
  adminKey = await t.system.regulator.addKey('Kayıt Yöneticisi', 'admin');
  regulatorKey = await t.system.regulator.addKey('Denetçi');
});
after(() => t.close());

const staffCall = (key: string, method: 'GET' | 'POST', url: string, payload?: object) =>
  t.app.inject({ method, url, headers: { authorization: `Bearer ${key}` }, ...(payload ? { payload } : {}) });

const codesOf = (body: string) =>
  (JSON.parse(body) as { errors: { code: string; location?: unknown[] }[] }).errors.map(
    (e) => `${e.code}@${e.location?.[0]}`,
  );

describe('applying', () => {
  test('the agreement to sign is offered as a PDF with Turkish text, and an application takes it', async () => {
    const pdf = await t.app.inject('/api/applications/agreement.pdf');
    assert.equal(pdf.statusCode, 200);
    assert.equal(pdf.headers['content-type'], 'application/pdf');
    assert.match(
      String(pdf.headers['content-disposition']),
      /attachment; filename="iys-hizmet-sozlesmesi\.pdf"/,
    );
    assert.equal(pdf.rawPayload.subarray(0, 5).toString(), '%PDF-');
    // The Turkish letters come from an embedded font (the PDF standard fonts have no ğ, ı, ş).
    assert.match(pdf.rawPayload.toString('latin1'), /\/FontFile2/);
    assert.match(pdf.rawPayload.toString('latin1'), /DejaVuSans/);
    const filed = await submitApplication(
      t,
      {
        ...PERSON_APPLICATION,
        tckn: '10000000146',
        contactTckn: '10000000146',
        email: 'imza@ornek.example.com',
      },
      pdf.rawPayload,
      { confirm: false },
    );
    assert.equal(filed.statusCode, 200, filed.body);
  });

  test('bad identity numbers and a missing agreement are all reported with their codes', async () => {
    // The MERSİS number is still checked on its own: its embedded VKN is valid, so only the VKN is wrong.
    const response = await submitApplication(
      t,
      { ...COMPANY_APPLICATION, vkn: '1234567891', contactTckn: '10000000147' },
      null,
    );
    assert.equal(response.statusCode, 422);
    assert.deepEqual(codesOf(response.body), ['H942@vkn', 'H941@contactTckn', 'H944@agreement']);
  });

  test('a PNG named sozlesme.pdf is refused by its content', async () => {
    const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(64)]);
    const response = await submitApplication(
      t,
      { ...COMPANY_APPLICATION, vkn: '0010010010', mersis: '0001001001000015' },
      png,
    );
    assert.equal(response.statusCode, 422);
    assert.deepEqual(codesOf(response.body), ['H944@agreement']);
  });

  test('an agreement over 10 MB is refused', async () => {
    const big = Buffer.concat([AGREEMENT_PDF, Buffer.alloc(10 * 1024 * 1024)]);
    const response = await submitApplication(t, COMPANY_APPLICATION, big);
    assert.equal(response.statusCode, 422);
    assert.deepEqual(codesOf(response.body), ['H944@agreement']);
  });

  test('a JSON body is refused: the agreement is required', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/applications',
      payload: COMPANY_APPLICATION,
    });
    assert.equal(response.statusCode, 422);
    assert.equal(response.json().errors[0].code, 'H944');
  });
});

describe('review and decision', () => {
  let id: string;
  before(async () => {
    const response = await submitApplication(t);
    assert.equal(response.statusCode, 200, response.body);
    id = response.json().id;
  });

  test('a second open application for the same VKN is refused', async () => {
    const again = await submitApplication(t, { ...COMPANY_APPLICATION, title: 'Başka Ad A.Ş.' });
    assert.equal(again.statusCode, 409);
    assert.equal(again.json().errors[0].code, 'H947');
  });

  test('staff see it decrypted, with the agreement; the public and tokens do not', async () => {
    const list = await staffCall(regulatorKey, 'GET', '/api/regulator/applications?status=pending');
    assert.equal(list.statusCode, 200);
    const mine = list.json().find((a: { id: string }) => a.id === id);
    assert.equal(mine.taxId, '1234567890');
    assert.equal(mine.mersis, '0123456789000015');
    assert.equal(mine.contactTckn, '10000000146');
    assert.equal(mine.agreementBytes, AGREEMENT_PDF.length);
    const pdf = await staffCall(regulatorKey, 'GET', `/api/regulator/applications/${id}/agreement`);
    assert.equal(pdf.headers['content-type'], 'application/pdf');
    assert.deepEqual(pdf.rawPayload, AGREEMENT_PDF);
    const anonymous = await t.app.inject({ method: 'GET', url: '/api/regulator/applications' });
    assert.equal(anonymous.statusCode, 401);
    const provider = await t.app.inject({
      method: 'GET',
      url: '/api/regulator/applications',
      headers: { authorization: `Bearer ${await t.token()}` },
    });
    assert.equal(provider.statusCode, 401);
  });

  test('a regulator cannot decide; an admin approves once', async () => {
    const denied = await staffCall(regulatorKey, 'POST', `/api/regulator/applications/${id}/approve`);
    assert.equal(denied.statusCode, 403);
    const approved = await staffCall(adminKey, 'POST', `/api/regulator/applications/${id}/approve`);
    assert.equal(approved.statusCode, 200, approved.body);
    const { iysCode, brandCode } = approved.json();
    assert.ok(iysCode >= 800001 && brandCode > iysCode, `${iysCode}, ${brandCode}`);
    const twice = await staffCall(adminKey, 'POST', `/api/regulator/applications/${id}/approve`);
    assert.equal(twice.statusCode, 409);
    assert.equal(twice.json().errors[0].code, 'H946');

    // The provider exists, active, with its title as master brand, and the applicant is invited.
    const provider = await t.system.database.db
      .selectFrom('providers')
      .selectAll()
      .where('iys_code', '=', iysCode)
      .executeTakeFirstOrThrow();
    assert.equal(provider.status, 'active');
    assert.ok(provider.activated_at);
    assert.match(await invitationTokenFor(t, COMPANY_APPLICATION.email), /^[A-Za-z0-9_-]{43}$/);
    const audit = await staffCall(adminKey, 'GET', `/api/regulator/audit?target=application:${id}`);
    assert.deepEqual(
      audit
        .json()
        .map((e: { action: string }) => e.action)
        .sort(),
      ['application.approve', 'application.read-agreement'],
    );
    // Once approved, the same VKN cannot apply again.
    const again = await submitApplication(t);
    assert.equal(again.json().errors[0].code, 'H947');
  });

  test('rejection needs a reason and tells the applicant', async () => {
    const person = PERSON_APPLICATION;
    const submitted = await submitApplication(t, person);
    assert.equal(submitted.statusCode, 200, submitted.body);
    const personId = submitted.json().id;
    const noReason = await staffCall(adminKey, 'POST', `/api/regulator/applications/${personId}/reject`, {});
    assert.equal(noReason.statusCode, 422);
    const rejected = await staffCall(adminKey, 'POST', `/api/regulator/applications/${personId}/reject`, {
      reason: 'İmzalı sözleşme okunaksız',
    });
    assert.equal(rejected.statusCode, 200, rejected.body);
    const mail = await t.system.devOutbox!.waitFor(
      (m) => m.to === person.email && m.text.includes('İmzalı sözleşme okunaksız'),
    );
    assert.doesNotMatch(mail.text, /#onay=/);
    // After a rejection the same person may apply again.
    const retry = await submitApplication(t, person);
    assert.equal(retry.statusCode, 200, retry.body);
  });

  test('an unknown id is a 404, a malformed one too', async () => {
    for (const bad of ['00000000-0000-4000-8000-000000000000', 'nope']) {
      const response = await staffCall(adminKey, 'POST', `/api/regulator/applications/${bad}/approve`);
      assert.equal(response.statusCode, 404);
      assert.equal(response.json().errors[0].code, 'H945');
    }
  });
});
