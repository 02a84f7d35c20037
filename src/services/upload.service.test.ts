/**
 * A consent file is applied in its write lanes at once, each lane's batches in file order, and a restart
 * resumes each lane where it stopped: no row is applied twice, none is skipped, whichever lane was ahead.
 * The worker is off here: the test runs the upload itself, batch by batch, without a job racing it.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { sql, type Kysely } from 'kysely';
import {
  DEMO,
  ownerDatabase,
  recentWireDate,
  startTestSystem,
  type TestSystem,
} from '../../test/helpers/system.js';
import type { PortalSession } from './portal-account.service.js';

let t: TestSystem;
let owner: Kysely<unknown>;
let session: PortalSession;

before(async () => {
  t = await startTestSystem({ workers: false, uploadRowsPerBatch: 1000 });
  owner = ownerDatabase(t);
  const { rows } = await sql<{ providerId: number; userId: number }>`
    WITH provider AS (SELECT id FROM providers WHERE iys_code = ${DEMO.iysCode})
    INSERT INTO portal_users (provider_id, email_key, email_enc, name, role)
    SELECT id, ${randomBytes(32)}, ${randomBytes(48)}, 'upload tester', 'admin' FROM provider
    RETURNING provider_id AS "providerId", id AS "userId"`.execute(owner);
  session = { ...rows[0]!, role: 'admin' } as PortalSession;
});
after(async () => {
  await owner.destroy();
  await t.close();
});

const header = 'recipient,recipientType,type,status,source,consentDate';

async function receive(name: string, lines: string[]): Promise<string> {
  const data = Buffer.from([header, ...lines, ''].join('\n'));
  const received = await t.system.uploads.receive(session, String(DEMO.brandCode), {
    fileName: name,
    stream: (async function* () {
      yield data;
    })(),
    truncated: () => false,
  });
  return received.id;
}

async function progressOf(id: string) {
  const { rows } = await sql<{
    status: string;
    rows_done: number;
    rows_applied: number;
    rows_failed: number;
    lane_rows_done: number[];
  }>`SELECT status, rows_done, rows_applied, rows_failed, lane_rows_done FROM consent_uploads WHERE id = ${id}`.execute(
    owner,
  );
  return rows[0]!;
}

/** Movements recorded by uploads for these phones' prefix, per person: each must be exactly one. */
async function movementsPerPerson(since: Date): Promise<number[]> {
  const { rows } = await sql<{ n: string }>`
    SELECT count(*) AS n FROM consent_events
     WHERE actor_id = ${`portal:${session.userId}`} AND creation_date >= ${since}
     GROUP BY recipient_key`.execute(owner);
  return rows.map((row) => Number(row.n));
}

/** A lease left by a worker that died: the next worker may take the upload at once. */
const endLease = (id: string) =>
  sql`UPDATE consent_uploads SET locked_until = NULL WHERE id = ${id}`.execute(owner);

test('an upload stopped between batches resumes where it stopped and applies no row twice', async () => {
  const since = new Date();
  const date = recentWireDate(3600_000);
  const lines = Array.from(
    { length: 2500 },
    (_, i) => `+90534${String(100 + i).padStart(7, '0')},BIREYSEL,MESAJ,ONAY,HS_WEB,${date}`,
  );
  const id = await receive('buyuk.csv', lines);
  // The worker stops after two batches, as a shutdown would.
  let checks = 0;
  const stopAfterTwo = {
    get aborted() {
      return ++checks > 2;
    },
  } as AbortSignal;
  assert.equal(await t.system.uploads.process(id, stopAfterTwo), 'interrupted');
  const halfway = await progressOf(id);
  assert.deepEqual(
    [halfway.rows_done, halfway.rows_applied, halfway.lane_rows_done],
    [2000, 2000, [2000, 2000]],
  );

  assert.equal(await t.system.uploads.process(id), 'done');
  const done = await progressOf(id);
  assert.deepEqual(
    [done.status, done.rows_done, done.rows_applied, done.rows_failed, done.lane_rows_done],
    ['completed', 2500, 2500, 0, [2500, 2500]],
  );
  const perPerson = await movementsPerPerson(since);
  assert.equal(perPerson.length, 2500);
  assert.ok(perPerson.every((n) => n === 1));
});

test('a lane that failed resumes behind the other: its rows are applied once, the other lane’s not again', async () => {
  const since = new Date();
  const date = recentWireDate(3600_000);
  const lines = Array.from(
    { length: 3000 },
    (_, i) => `+90534${String(5000 + i).padStart(7, '0')},BIREYSEL,MESAJ,ONAY,HS_WEB,${date}`,
  );
  // One invalid row in each batch: rows refused before reaching a lane are counted once, by lane 0.
  lines[10] = '+90534,BIREYSEL,MESAJ,ONAY,HS_WEB,' + date;
  lines[1500] = '+90534,BIREYSEL,MESAJ,ONAY,HS_WEB,' + date;
  const id = await receive('yarim.csv', lines);
  // Lane 1's transaction of the second batch (rows 1001–2000) fails as it counts itself, after writing
  // its consents: they roll back with it, while lane 0 commits its own part of that batch.
  await sql`
    CREATE FUNCTION upload_lane_fault() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.lane_rows_done[2] IS DISTINCT FROM OLD.lane_rows_done[2] AND NEW.lane_rows_done[2] >= 2000 THEN
        RAISE EXCEPTION 'the disk of lane 1 went away';
      END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER upload_lane_fault BEFORE UPDATE ON consent_uploads
      FOR EACH ROW EXECUTE FUNCTION upload_lane_fault();`.execute(owner);
  try {
    await assert.rejects(t.system.uploads.process(id), /lane 1 went away/);
  } finally {
    await sql`DROP TRIGGER upload_lane_fault ON consent_uploads; DROP FUNCTION upload_lane_fault();`.execute(
      owner,
    );
  }
  const stopped = await progressOf(id);
  assert.deepEqual(stopped.lane_rows_done, [2000, 1000]);
  // Lane 0's rows of both batches (with the two invalid rows) and lane 1's of the first are counted.
  assert.ok(stopped.rows_done > 1000 && stopped.rows_done < 2000, `rows_done ${stopped.rows_done}`);
  assert.equal(stopped.rows_done, stopped.rows_applied + 2);

  await endLease(id);
  assert.equal(await t.system.uploads.process(id), 'done');
  const done = await progressOf(id);
  assert.deepEqual(
    [done.status, done.rows_done, done.rows_applied, done.rows_failed, done.lane_rows_done],
    ['completed', 3000, 2998, 2, [3000, 3000]],
  );
  const perPerson = await movementsPerPerson(since);
  assert.equal(perPerson.length, 2998);
  assert.ok(perPerson.every((n) => n === 1));
  // Only the two invalid rows are reported: no row was refused as a repeat of itself (H174).
  const { rows: errors } = await sql<{ row_number: number }>`
    SELECT DISTINCT row_number FROM consent_upload_errors WHERE upload_id = ${id} ORDER BY row_number`.execute(
    owner,
  );
  assert.deepEqual(
    errors.map((e) => e.row_number),
    [12, 1502],
  );
});
