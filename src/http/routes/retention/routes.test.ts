/**
 * Retention and erasure (issue 14): ended consents are purged after their period with their history and
 * evidence, the log stays verifiable, operational rows go after theirs, and a citizen erases an address.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import yauzl from 'yauzl';
import { signIn } from '../../../../test/helpers/citizen.js';
import { onboardProvider } from '../../../../test/helpers/portal.js';
import { recordConsent, startTestSystem, type TestSystem } from '../../../../test/helpers/system.js';
import { multipart } from '../../../../test/helpers/multipart.js';

const DAY = 24 * 3600_000;
const ENDED = '+905557800001'; // ONAY in 2019, RET in 2019: past the 3 years
const RECENT = '+905557800002'; // refused recently: kept
const GIVEN = '+905557800003'; // an old ONAY still in force: kept
const FORM_PDF = Buffer.from('%PDF-1.7\n% imzalı form\n%%EOF\n');
let now = new Date();
let t: TestSystem;
let token: string;

before(async () => {
  t = await startTestSystem({ clock: () => now });
  token = await t.token();
  await recordConsent(t, token, { recipient: ENDED, type: 'MESAJ', consentDate: '2019-06-03 10:00:00' });
  await recordConsent(t, token, {
    recipient: ENDED,
    type: 'MESAJ',
    status: 'RET',
    consentDate: '2019-06-04 10:00:00',
  });
  await recordConsent(t, token, { recipient: RECENT, type: 'MESAJ', consentDate: '2019-06-03 10:00:00' });
  await recordConsent(t, token, { recipient: RECENT, type: 'MESAJ', status: 'RET' });
  await recordConsent(t, token, { recipient: GIVEN, type: 'MESAJ', consentDate: '2019-06-03 10:00:00' });
});
after(() => t.close());

const count = async (table: string) =>
  Number(
    (await sql<{ n: string }>`SELECT count(*) AS n FROM ${sql.table(table)}`.execute(t.system.database.db))
      .rows[0]!.n,
  );

test('a refusal past its period is purged with its history and evidence; the log stays verifiable', async () => {
  const { db } = t.system.database;
  const ended = await db
    .selectFrom('consent_events')
    .select('transaction_id')
    .where('status', '=', 'RET')
    .orderBy('id')
    .executeTakeFirstOrThrow();
  const form = multipart(
    { transactionId: ended.transaction_id },
    { field: 'file', name: 'f.pdf', type: 'application/pdf', data: FORM_PDF },
  );
  const attached = await t.app.inject({
    method: 'POST',
    url: '/sps/700001/brands/700010/consents/evidence',
    headers: { authorization: `Bearer ${token}`, 'content-type': form.contentType },
    payload: form.payload,
  });
  assert.equal(attached.statusCode, 200, attached.body);
  await sequenceAll();
  const leavesBefore = await count('log_leaves');
  const eventsBefore = await count('consent_events');

  const summary = await t.system.retention.run();
  assert.equal(summary.consentsPurged, 1);
  assert.equal(await count('consent_events'), eventsBefore - 2, 'both movements of the ended consent');
  assert.equal(await count('consent_evidence'), 0);
  assert.equal(await count('purged_leaves'), 3, 'two events and one piece of evidence');
  assert.equal(await count('log_leaves'), leavesBefore, 'every leaf hash stays');
  const statuses = await db.selectFrom('consents').select('status').orderBy('status').execute();
  assert.deepEqual(
    statuses.map((s) => s.status),
    ['ONAY', 'RET'],
    'the recent refusal and the ONAY stay',
  );
  const runs = await db
    .selectFrom('retention_runs')
    .select(['kind', 'rows'])
    .where('kind', 'in', ['consents', 'events', 'evidence'])
    .orderBy('kind')
    .execute();
  assert.deepEqual(
    runs.map((r) => [r.kind, r.rows]),
    [
      ['consents', 1],
      ['events', 2],
      ['evidence', 1],
    ],
  );

  // The audit tells a purge from a deletion: the log verifies, the projection is the fold of what is left.
  await sequenceAll();
  assert.deepEqual((await t.system.transparencyLog.audit()).problems, []);

  // The status query knows nothing of the purged consent; the gateway index reloads from the projection.
  const asked = await t.app.inject({
    method: 'POST',
    url: '/sps/700001/brands/700010/consents/status',
    headers: { authorization: `Bearer ${token}` },
    payload: { recipient: ENDED, recipientType: 'BIREYSEL', type: 'MESAJ' },
  });
  assert.equal(asked.statusCode, 404);

  // A second run finds nothing more; the database refuses to purge refusals younger than a year.
  assert.equal((await t.system.retention.run()).consentsPurged, 0);
  await assert.rejects(
    sql`SELECT * FROM purge_ended_consents(interval '30 days', 10)`.execute(db),
    /kept at least 365 days/,
  );
  // And nobody deletes from the log's tables outside that function.
  await assert.rejects(sql`DELETE FROM consent_events`.execute(db), /permission denied|append-only/);
});

test('finished operational rows go after their period; pending ones stay', async () => {
  await signIn(t, '+905557800009'); // a sent code message
  const pendingBefore = Number(
    (
      await sql<{ n: string }>`SELECT count(*) AS n FROM outbox_messages WHERE status = 'pending'`.execute(
        t.system.database.db,
      )
    ).rows[0]!.n,
  );
  const sentBefore = Number(
    (
      await sql<{ n: string }>`SELECT count(*) AS n FROM outbox_messages WHERE status = 'sent'`.execute(
        t.system.database.db,
      )
    ).rows[0]!.n,
  );
  assert.ok(sentBefore > 0);
  now = new Date(Date.now() + 91 * DAY);
  const summary = await t.system.retention.run();
  now = new Date();
  assert.equal(summary.messages, sentBefore);
  const left = await sql<{ status: string }>`SELECT status FROM outbox_messages`.execute(
    t.system.database.db,
  );
  assert.equal(left.rows.filter((r) => r.status === 'pending').length, pendingBefore);
  assert.equal(left.rows.filter((r) => r.status === 'sent').length, 0);
});

test('a citizen erases an address: refused while an ONAY is held; refusals are kept until their period ends', async () => {
  const given = await signIn(t, GIVEN);
  const refused = await given.call('POST', `/api/citizen/addresses/${given.addressId}/erase`);
  assert.deepEqual([refused.statusCode, refused.json().errors[0].code], [409, 'H998']);

  const recent = await signIn(t, RECENT);
  const kept = await recent.call('POST', `/api/citizen/addresses/${recent.addressId}/erase`);
  assert.equal(kept.statusCode, 200, kept.body);
  assert.equal(kept.json().erased, false);
  assert.match(kept.json().keptUntil, /^20\d\d-\d\d-\d\d /);
  assert.deepEqual(
    (await recent.call('GET', '/api/citizen/session')).json().addresses,
    [],
    'the link is gone',
  );

  const nobody = await signIn(t, '+905557800010');
  const erased = await nobody.call('POST', `/api/citizen/addresses/${nobody.addressId}/erase`);
  assert.deepEqual(erased.json(), { erased: true, keptUntil: null });
  const key = Buffer.from(nobody.addressId, 'hex');
  const rows = await t.system.database.db
    .selectFrom('recipients')
    .select('recipient_key')
    .where('recipient_key', '=', key)
    .execute();
  assert.equal(rows.length, 0, 'the encrypted address itself is gone');
  const messages = await t.system.database.db
    .selectFrom('outbox_messages')
    .select('id')
    .where('recipient_key', '=', key)
    .execute();
  assert.equal(messages.length, 0);
});

test('a company downloads its evidence archive: every file and a manifest with purge dates', async () => {
  const { admin, brandCode } = await onboardProvider(t);
  const recorded = await admin.call('POST', `/api/portal/brands/${brandCode}/consents`, {
    recipient: '+905557800011',
    recipientType: 'BIREYSEL',
    type: 'MESAJ',
    status: 'ONAY',
    source: 'HS_ISLAK_IMZA',
    consentDate: '2019-06-03 10:00:00',
  });
  assert.equal(recorded.statusCode, 200, recorded.body);
  const form = multipart(
    { transactionId: recorded.json().transactionId },
    { field: 'file', name: 'f.pdf', type: 'application/pdf', data: FORM_PDF },
  );
  await t.app.inject({
    method: 'POST',
    url: `/api/portal/brands/${brandCode}/consents/evidence`,
    headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrfToken, 'content-type': form.contentType },
    payload: form.payload,
  });
  const archive = await admin.call('GET', '/api/portal/evidence-archive');
  assert.equal(archive.statusCode, 200);
  assert.equal(archive.headers['content-type'], 'application/zip');
  const entries = await unzip(archive.rawPayload);
  assert.deepEqual([...entries.keys()].sort(), ['kanit-2.pdf', 'manifest.csv'].sort());
  assert.ok(entries.get('kanit-2.pdf')!.equals(FORM_PDF));
  assert.match(
    entries.get('manifest.csv')!.toString(),
    /kanit-2\.pdf,\d+,[0-9a-f]{64},application\/pdf,\d+,[0-9a-f]{64},.*,ONAY,\n/,
  );
  const audited = await t.system.database.db
    .selectFrom('audit_log')
    .select('action')
    .where('action', '=', 'evidence.archive')
    .execute();
  assert.equal(audited.length, 1);
});

/** Every event and piece of evidence in the log (the background sequencer may hold the lock a moment). */
async function sequenceAll() {
  for (;;) {
    await t.system.transparencyLog.integrate();
    const { rows } = await sql<{ n: string }>`
      SELECT (SELECT count(*) FROM consent_events e WHERE NOT EXISTS (SELECT 1 FROM log_leaves l WHERE l.event_id = e.id))
           + (SELECT count(*) FROM consent_evidence v WHERE NOT EXISTS (SELECT 1 FROM log_leaves l WHERE l.evidence_id = v.id)) AS n`.execute(
      t.system.database.db,
    );
    if (Number(rows[0]!.n) === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function unzip(data: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(data, { lazyEntries: true }, (error, zip) => {
      if (error) return reject(error);
      const files = new Map<string, Buffer>();
      zip.on('entry', (entry: yauzl.Entry) =>
        zip.openReadStream(entry, async (failure, stream) => {
          if (failure) return reject(failure);
          const chunks: Buffer[] = [];
          for await (const chunk of stream) chunks.push(chunk as Buffer);
          files.set(entry.fileName, Buffer.concat(chunks));
          zip.readEntry();
        }),
      );
      zip.on('end', () => resolve(files));
      zip.readEntry();
    });
  });
}
