import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import {
  onboardProvider,
  uploadFile,
  waitForUpload,
  type PortalUser,
} from '../../../../test/helpers/portal.js';
import { multipart } from '../../../../test/helpers/multipart.js';
import { recentWireDate, startTestSystem, type TestSystem } from '../../../../test/helpers/system.js';

let t: TestSystem;
let admin: PortalUser;
let iysCode: number;
let brandCode: number;
let token: string;
let activatedBy: number;
before(async () => {
  t = await startTestSystem();
  ({ admin, iysCode, brandCode } = await onboardProvider(t));
  activatedBy = Date.now();
  const { username, password } = (
    await admin.call('POST', '/api/portal/api-users', { username: 'upload-api' })
  ).json();
  token = await t.token(username, password);
});
after(() => t.close());

const phone = (i: number) => `+90534${String(i).padStart(7, '0')}`;
const statusOf = async (recipient: string, type = 'MESAJ') =>
  (
    await t.app.inject({
      method: 'POST',
      url: `/sps/${iysCode}/brands/${brandCode}/consents/status`,
      headers: { authorization: `Bearer ${token}` },
      payload: { recipient, recipientType: 'BIREYSEL', type },
    })
  ).json().status;

describe('CSV', () => {
  const date = recentWireDate(3600_000);
  const csv = [
    'recipient,recipientType,type,status,source,consentDate',
    `${phone(1)},BIREYSEL,MESAJ,ONAY,HS_WEB,${date}`,
    `not-a-phone,BIREYSEL,MESAJ,ONAY,HS_WEB,${date}`,
    `${phone(2)},BIREYSEL,FAX,ONAY,HS_WEB,${date}`,
    `${phone(3)},BIREYSEL,MESAJ,RET,HS_WEB,${date}`,
    `ayse@example.com,BIREYSEL,EPOSTA,ONAY,HS_EPOSTA,${date}`,
    '',
  ].join('\n');
  let id: string;

  test('valid rows are applied, the others reported with their row and code', async () => {
    const uploaded = await uploadFile(t, admin, brandCode, { name: 'izinler.csv', data: Buffer.from(csv) });
    assert.equal(uploaded.statusCode, 200, uploaded.body);
    assert.equal(uploaded.json().duplicate, false);
    id = uploaded.json().id;
    const done = await waitForUpload(admin, id);
    assert.deepEqual(
      [done.status, done.totalRows, done.rowsDone, done.rowsApplied, done.rowsFailed],
      ['completed', 5, 5, 2, 3],
    );
    assert.equal(await statusOf(phone(1)), 'ONAY');
    assert.equal(await statusOf('ayse@example.com', 'EPOSTA'), 'ONAY');

    const report = await admin.call('GET', `/api/portal/uploads/${id}/errors.csv`);
    assert.equal(report.statusCode, 200);
    assert.ok(report.body.startsWith('\uFEFF'), 'a byte-order mark: Excel shows Turkish letters');
    const rows = parse(report.body, { columns: true, bom: true }) as Record<string, string>[];
    assert.deepEqual(
      rows.map((r) => [r.row, r.code, r.field]),
      [
        ['3', 'H122', 'recipient'],
        ['4', 'H117', 'type'],
        ['5', 'H175', 'status'],
      ],
    );
  });

  test('the same file again is not applied twice', async () => {
    const again = await uploadFile(t, admin, brandCode, { name: 'kopya.csv', data: Buffer.from(csv) });
    assert.deepEqual(again.json(), { id, duplicate: true });
  });

  test('a file without the required columns fails as a whole', async () => {
    const uploaded = await uploadFile(t, admin, brandCode, {
      name: 'eksik.csv',
      data: Buffer.from('recipient;type\n+905321234567;MESAJ\n'),
    });
    const done = await waitForUpload(admin, uploaded.json().id);
    assert.equal(done.status, 'failed');
    assert.match(done.failure, /recipientType, status/);
  });

  test('semicolon-separated files (Excel in Turkish) are read too', async () => {
    const data = `recipient;recipientType;type;status;source;consentDate\n${phone(9)};BIREYSEL;ARAMA;ONAY;HS_CAGRI_MERKEZI;${date}\n`;
    const done = await waitForUpload(
      admin,
      (await uploadFile(t, admin, brandCode, { name: 'tr.csv', data: Buffer.from(data) })).json().id,
    );
    assert.equal(done.rowsApplied, 1);
    assert.equal(await statusOf(phone(9), 'ARAMA'), 'ONAY');
  });
});

describe('XLSX', () => {
  test('numeric phone cells get their + back; date cells are read as Türkiye time', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('izinler');
    sheet.addRow(['recipient', 'recipientType', 'type', 'status', 'source', 'consentDate']);
    const when = new Date(Date.now() - 3600_000);
    // A date typed into a cell is wall-clock time; exceljs hands it over as that time in UTC.
    const wallClock = new Date(when.getTime() + 3 * 3600_000);
    sheet.addRow([905340000021, 'BIREYSEL', 'MESAJ', 'ONAY', 'HS_FIZIKSEL_ORTAM', wallClock]);
    sheet.addRow([phone(22), 'BIREYSEL', 'MESAJ', 'ONAY', 'HS_ISLAK_IMZA', recentWireDate(7200_000)]);
    const data = Buffer.from(await workbook.xlsx.writeBuffer());
    const uploaded = await uploadFile(t, admin, brandCode, {
      name: 'izinler.xlsx',
      data,
      type: 'application/octet-stream',
    });
    const done = await waitForUpload(admin, uploaded.json().id);
    const report = (await admin.call('GET', `/api/portal/uploads/${done.id}/errors.csv`)).body;
    assert.deepEqual(
      [done.format, done.status, done.rowsApplied, done.rowsFailed],
      ['xlsx', 'completed', 2, 0],
      report,
    );
    assert.equal(await statusOf('+905340000021'), 'ONAY');
  });
});

describe('migration', () => {
  const person = (i: number) => `+90535${String(i).padStart(7, '0')}`;
  const row = (i: number, source: string, date: string) =>
    `${person(i)},BIREYSEL,MESAJ,ONAY,${source},${date}`;
  const header = 'recipient,recipientType,type,status,source,consentDate';

  test('an upload marked as a migration sends no one a message; an ONAY that would notify is refused', async () => {
    // Wire dates have whole seconds: a second after the activation, "now" is surely after it.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, activatedBy + 1100 - Date.now())));
    const past = [
      header,
      row(1, 'HS_2015', '2015-05-01 00:00:00'),
      row(2, 'HS_WEB', recentWireDate(2 * 86_400_000)), // before the company joined
      row(3, 'HS_WEB', recentWireDate(0)), // given now: its person must be told
    ].join('\n');
    const uploaded = await uploadFile(
      t,
      admin,
      brandCode,
      { name: 'tasima.csv', data: Buffer.from(past) },
      { migration: true },
    );
    assert.equal(uploaded.statusCode, 200, uploaded.body);
    const done = await waitForUpload(admin, uploaded.json().id);
    assert.deepEqual(
      [done.migration, done.status, done.rowsApplied, done.rowsFailed],
      [true, 'completed', 2, 1],
    );
    const report = await admin.call('GET', `/api/portal/uploads/${done.id}/errors.csv`);
    const errors = parse(report.body, { columns: true, bom: true }) as Record<string, string>[];
    assert.deepEqual(
      errors.map((e) => [e.row, e.code]),
      [['4', 'H981']],
    );
    assert.deepEqual(
      [await statusOf(person(1)), await statusOf(person(2)), await statusOf(person(3))],
      ['ONAY', 'ONAY', undefined],
    );

    // The same ONAY in an ordinary upload is applied and told; by then the migration's rows, logged
    // before it, have been read by the notice dispatcher too.
    const ordinary = [header, row(3, 'HS_WEB', recentWireDate(0))].join('\n');
    const sent = await uploadFile(t, admin, brandCode, { name: 'yeni.csv', data: Buffer.from(ordinary) });
    assert.equal((await waitForUpload(admin, sent.json().id)).rowsApplied, 1);
    await t.system.devOutbox!.waitFor((m) => m.to === person(3), 15_000);
    const told = t.system.devOutbox!.list().filter((m) => [person(1), person(2)].includes(m.to));
    assert.deepEqual(told, []);
  });

  test('the mark is true or false; anything else is refused before the file is read', async () => {
    const body = multipart({}, { field: 'file', name: 'x.csv', type: 'text/csv', data: Buffer.from(header) });
    const response = await t.app.inject({
      method: 'POST',
      url: `/api/portal/brands/${brandCode}/uploads?migration=maybe`,
      headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrfToken, 'content-type': body.contentType },
      payload: body.payload,
    });
    assert.equal(response.statusCode, 422, response.body);
    assert.deepEqual(response.json().errors[0].location, ['querystring', 'migration']);
  });
});

describe('export', () => {
  test('a brand’s consents as CSV and XLSX, in the template’s columns first', async () => {
    const csv = await admin.call('GET', `/api/portal/brands/${brandCode}/consents.csv`);
    assert.equal(csv.statusCode, 200, csv.body);
    assert.match(String(csv.headers['content-disposition']), /attachment; filename="izinler-\d+\.csv"/);
    assert.ok(csv.body.startsWith('\uFEFF'), 'a byte-order mark: Excel shows Turkish letters');
    const rows = parse(csv.body, { columns: true, bom: true }) as Record<string, string>[];
    const row = rows.find((r) => r.recipient === phone(1));
    assert.deepEqual(
      [row?.recipientType, row?.type, row?.status, row?.source],
      ['BIREYSEL', 'MESAJ', 'ONAY', 'HS_WEB'],
    );
    assert.match(row!.transactionId!, /^[0-9a-f]{64}$/);

    const xlsx = await admin.call('GET', `/api/portal/brands/${brandCode}/consents.xlsx`);
    assert.equal(xlsx.statusCode, 200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    assert.deepEqual((sheet.getRow(1).values as unknown[]).slice(1, 4), [
      'recipient',
      'recipientType',
      'type',
    ]);
    assert.equal(sheet.rowCount - 1, rows.length, 'the same consents in both formats');

    const foreign = await admin.call('GET', '/api/portal/brands/700010/consents.csv');
    assert.equal(foreign.statusCode, 404);
  });

  test('the templates download', async () => {
    const csv = await t.app.inject({ method: 'GET', url: '/api/portal/uploads/template.csv' });
    assert.match(
      csv.body,
      /^\uFEFFrecipient,recipientType,type,status,source,consentDate,retailerCode,retailerAccess\r\n/,
    );
    const xlsx = await t.app.inject({ method: 'GET', url: '/api/portal/uploads/template.xlsx' });
    assert.equal(xlsx.statusCode, 200);
    assert.equal(xlsx.rawPayload.subarray(0, 2).toString(), 'PK');
  });
});
