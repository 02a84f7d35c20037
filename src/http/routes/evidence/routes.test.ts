import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { multipart } from '../../../../test/helpers/multipart.js';
import {
  DEMO,
  OTHER,
  recentWireDate,
  startTestSystem,
  type TestSystem,
} from '../../../../test/helpers/system.js';

let t: TestSystem;
let token: string;
let transactionId: string;
const base = `/sps/${DEMO.iysCode}/brands/${DEMO.brandCode}/consents`;
const FORM_PDF = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n% imzalı izin formu\n%%EOF\n');
const WEB_LOG = Buffer.from(JSON.stringify({ form: 'kampanya', ip: '203.0.113.7', checkbox: true }));

before(async () => {
  t = await startTestSystem({ workers: false }); // the test runs the log's sequencer itself
  token = await t.token();
  const added = await t.app.inject({
    method: 'POST',
    url: base,
    headers: { authorization: `Bearer ${token}` },
    payload: {
      recipient: '+905551110001',
      recipientType: 'BIREYSEL',
      type: 'MESAJ',
      status: 'ONAY',
      source: 'HS_FIZIKSEL_ORTAM',
      consentDate: recentWireDate(),
    },
  });
  transactionId = added.json().transactionId;
});
after(() => t.close());

const attach = (file: Buffer, id = transactionId, bearer = token, url = `${base}/evidence`) => {
  const body = multipart(
    { transactionId: id },
    { field: 'file', name: 'form.pdf', type: 'application/pdf', data: file },
  );
  return t.app.inject({
    method: 'POST',
    url,
    headers: { authorization: `Bearer ${bearer}`, 'content-type': body.contentType },
    payload: body.payload,
  });
};

test('a company attaches a signed form and a web-form log to a movement; each is sniffed and kept once', async () => {
  const pdf = await attach(FORM_PDF);
  assert.equal(pdf.statusCode, 200, pdf.body);
  assert.deepEqual(
    [pdf.json().mediaType, pdf.json().sha256, pdf.json().bytes, pdf.json().repeated],
    ['application/pdf', createHash('sha256').update(FORM_PDF).digest('hex'), FORM_PDF.length, false],
  );
  const again = await attach(FORM_PDF);
  assert.deepEqual([again.json().evidenceId, again.json().repeated], [pdf.json().evidenceId, true]);

  // JSON clients send the file as base64.
  const log = await t.app.inject({
    method: 'POST',
    url: `${base}/evidence`,
    headers: { authorization: `Bearer ${token}` },
    payload: { transactionId, content: WEB_LOG.toString('base64') },
  });
  assert.equal(log.statusCode, 200, log.body);
  assert.equal(log.json().mediaType, 'application/json');

  const listed = await t.app.inject({
    url: `${base}/evidence/${transactionId}`,
    headers: { authorization: `Bearer ${token}` },
  });
  assert.deepEqual(
    listed.json().list.map((e: { mediaType: string }) => e.mediaType),
    ['application/pdf', 'application/json'],
  );
  // Stored encrypted: the database holds neither the bytes nor the text.
  const { rows } = await t.system.database.db
    .selectFrom('consent_evidence')
    .select('content_enc')
    .execute()
    .then((r) => ({ rows: r }));
  assert.equal(rows.length, 2);
  for (const row of rows) {
    assert.ok(!row.content_enc.includes(Buffer.from('imzalı izin formu')));
    assert.ok(!row.content_enc.includes(Buffer.from('203.0.113.7')));
  }
});

test('what is not evidence, or not the company’s movement, is refused with its code', async () => {
  const html = await attach(Buffer.from('<html><script>alert(1)</script></html>'));
  assert.deepEqual([html.statusCode, html.json().errors[0].code], [422, 'H995']);
  const empty = await attach(Buffer.alloc(0));
  assert.equal(empty.json().errors[0].code, 'H995');
  const unknown = await attach(FORM_PDF, 'f'.repeat(64));
  assert.deepEqual([unknown.statusCode, unknown.json().errors[0].code], [404, 'H989']);
  // Another company cannot attach anything to this movement, even through its own brand.
  const other = await t.token(OTHER.username, OTHER.password);
  const foreign = await attach(
    FORM_PDF,
    transactionId,
    other,
    `/sps/${OTHER.iysCode}/brands/${OTHER.brandCode}/consents/evidence`,
  );
  assert.equal(foreign.json().errors[0].code, 'H989');
  const notMine = await attach(FORM_PDF, transactionId, other);
  assert.equal(notMine.statusCode, 403);
});

test('each piece is a leaf of the transparency log: a swapped file fails the audit', async () => {
  while ((await t.system.transparencyLog.integrate()) > 0);
  const leaves = await t.system.database.db
    .selectFrom('log_leaves')
    .select(['event_id', 'evidence_id'])
    .orderBy('leaf_index')
    .execute();
  assert.equal(leaves.filter((l) => l.evidence_id !== null).length, 2);
  assert.deepEqual((await t.system.transparencyLog.audit()).problems, []);

  // The append-only table refuses the change; an owner who switches that off is caught by the audit.
  await assert.rejects(
    t.system.database.db.updateTable('consent_evidence').set({ bytes: 1 }).execute(),
    /permission denied|append-only/,
  );
  const owner = new pg.Client({ connectionString: t.database.ownerUrl });
  await owner.connect();
  try {
    await owner.query(`ALTER TABLE consent_evidence DISABLE TRIGGER USER;
      UPDATE consent_evidence SET sha256 = sha256(sha256) WHERE media_type = 'application/pdf';
      ALTER TABLE consent_evidence ENABLE TRIGGER USER;`);
  } finally {
    await owner.end();
  }
  const report = await t.system.transparencyLog.audit();
  assert.equal(report.problems.length, 1, report.problems.join('\n'));
  assert.match(report.problems[0]!, /evidence \d+ no longer hashes to its leaf/);
});
