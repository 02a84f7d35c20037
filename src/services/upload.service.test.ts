/**
 * A consent file is applied in its write lanes at once, each lane's batches in file order, and a restart
 * resumes each lane where it stopped: no row is applied twice, none is skipped, whichever lane was ahead.
 * The worker is off here: the test runs the upload itself, batch by batch, without a job racing it.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import {
  DEMO,
  ownerDatabase,
  recentWireDate,
  startTestSystem,
  type TestSystem,
} from '../../test/helpers/system.js';
import pino from 'pino';
import { FieldCipher } from '../crypto/field-cipher.js';
import { createKeyRing } from '../crypto/keys.js';
import { turkishWorkingCalendar } from '../domain/business-days.js';
import { parseWireDate } from '../domain/wire-date.js';
import { createConsentRepository } from '../repositories/consent.repository.js';
import { createProviderRepository } from '../repositories/provider.repository.js';
import { createRetailerRepository } from '../repositories/retailer.repository.js';
import { createUploadRepository } from '../repositories/upload.repository.js';
import { createWebhookRepository } from '../repositories/webhook.repository.js';
import { createBulkPreparer, type BulkPreparer } from './bulk-accept/accept-pool.js';
import type { PortalSession } from './portal-account.service.js';
import { createUploadService, type UploadService } from './upload.service.js';

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

async function receive(name: string, lines: string[], uploads = t.system.uploads): Promise<string> {
  const data = Buffer.from([header, ...lines, ''].join('\n'));
  const received = await uploads.receive(session, String(DEMO.brandCode), {
    fileName: name,
    stream: (async function* () {
      yield data;
    })(),
    truncated: () => false,
  });
  return received.id;
}

/** `count` ONAY rows of consecutive mobile numbers from `first` on, dated an hour ago. */
function onayLines(count: number, first: number): string[] {
  const date = recentWireDate(3600_000);
  return Array.from(
    { length: count },
    (_, i) => `+90534${String(first + i).padStart(7, '0')},BIREYSEL,MESAJ,ONAY,HS_WEB,${date}`,
  );
}

async function progressOf(id: string) {
  const { rows } = await sql<{
    status: string;
    rows_done: number;
    rows_applied: number;
    rows_failed: number;
    lane_rows_done: number[];
    locked_until: Date | null;
  }>`SELECT status, rows_done, rows_applied, rows_failed, lane_rows_done, locked_until FROM consent_uploads
     WHERE id = ${id}`.execute(owner);
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

/** The upload completed with these counts, each lane through its last row, and each person moved once. */
async function assertCompletedOnce(id: string, since: Date, rows: number, failed: number): Promise<void> {
  const done = await progressOf(id);
  const applied = rows - failed;
  assert.deepEqual(
    [done.status, done.rows_done, done.rows_applied, done.rows_failed, done.lane_rows_done],
    ['completed', rows, applied, failed, [rows, rows]],
  );
  const perPerson = await movementsPerPerson(since);
  assert.equal(perPerson.length, applied);
  assert.ok(perPerson.every((n) => n === 1));
}

test('an upload stopped between batches resumes where it stopped and applies no row twice', async () => {
  const since = new Date();
  const lines = onayLines(2500, 100);
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
  await assertCompletedOnce(id, since, 2500, 0);
});

test('a lane that failed resumes behind the other: its rows are applied once, the other lane’s not again', async () => {
  const since = new Date();
  const date = recentWireDate(3600_000);
  const lines = onayLines(3000, 5000);
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
  // Lane 1 stopped after its first batch; lane 0 went on through the second batch (with both invalid rows)
  // and may have written its part of the third, which it had started before lane 1 failed.
  assert.equal(stopped.lane_rows_done[1], 1000);
  assert.ok([2000, 3000].includes(stopped.lane_rows_done[0]!), `lane 0 ${stopped.lane_rows_done[0]}`);
  assert.equal(stopped.rows_done, stopped.rows_applied + 2);

  // The failed run let its lease go once its other lane had settled: the job's next try takes the file at
  // once instead of after the lease's minute.
  assert.equal(stopped.locked_until, null);
  assert.equal(await t.system.uploads.process(id), 'done');
  await assertCompletedOnce(id, since, 3000, 2);
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

test('a worker that stalled past its lease commits nothing after another worker took the file over', async () => {
  const since = new Date();
  const lines = onayLines(2000, 9000);
  const id = await receive('duraklayan.csv', lines);
  // The first statement that writes events waits on an advisory lock this test holds: worker A stalls
  // inside its first lane transaction, holding that lane's write lock, as a paused process or a lost
  // connection would.
  const hold = new pg.Client({ connectionString: t.database.ownerUrl });
  await hold.connect();
  await hold.query('SELECT pg_advisory_lock(4242)');
  await sql`
    CREATE SEQUENCE upload_stall_once;
    GRANT USAGE ON SEQUENCE upload_stall_once TO PUBLIC;
    CREATE FUNCTION upload_stall() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF nextval('upload_stall_once') = 1 THEN PERFORM pg_advisory_xact_lock(4242); END IF;
      RETURN NULL;
    END $$;
    CREATE TRIGGER upload_stall BEFORE INSERT ON consent_events
      FOR EACH STATEMENT EXECUTE FUNCTION upload_stall();`.execute(owner);
  const waiters = async () =>
    Number(
      (
        await sql<{
          n: string;
        }>`SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`.execute(owner)
      ).rows[0]!.n,
    );
  const until = async (condition: () => Promise<boolean>, what: string) => {
    for (let i = 0; !(await condition()); i++) {
      if (i > 200) throw new Error(`never: ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  try {
    const workerA = t.system.uploads.process(id);
    await until(async () => (await waiters()) === 1, 'worker A stalls');
    // A's other lane commits its part of both batches (renewing the lease) before the lease is let run
    // out; A then only waits for the stalled lane.
    await until(async () => Math.max(...(await progressOf(id)).lane_rows_done) === 2000, 'A’s other lane');
    // A's lease runs out while it stalls, and worker B takes the file over. B's write of the stalled lane
    // waits for A's lane lock, so A's stalled transaction goes on first once the stall ends.
    await sql`UPDATE consent_uploads SET locked_until = now() - interval '1 second' WHERE id = ${id}`.execute(
      owner,
    );
    const workerB = t.system.uploads.process(id);
    await until(async () => (await waiters()) === 2, 'worker B waits for the stalled lane');
    await hold.query('SELECT pg_advisory_unlock(4242)');
    assert.equal(await workerB, 'done');
    // A finds the file no longer its own: its stalled batch rolled back, and it stops.
    assert.ok(['busy', 'done'].includes(await workerA));
  } finally {
    await hold.end();
    await sql`DROP TRIGGER upload_stall ON consent_events; DROP FUNCTION upload_stall();
              DROP SEQUENCE upload_stall_once;`.execute(owner);
  }
  await assertCompletedOnce(id, since, 2000, 0);
  const { rows: errors } = await sql<{ n: string }>`
    SELECT count(*) AS n FROM consent_upload_errors WHERE upload_id = ${id}`.execute(owner);
  assert.equal(Number(errors[0]!.n), 0);
});

test('a run that could not let its lease go (the database away) is resumed by this process at once', async () => {
  const since = new Date();
  const lines = onayLines(2000, 12_000);
  const id = await receive('kopan.csv', lines);
  // Lane 1's first batch fails as it counts itself, and so does letting the lease go afterwards: the
  // database went away for both. The lease then stays on the row for its minute.
  await sql`
    CREATE FUNCTION upload_outage() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF (NEW.lane_rows_done[2] IS DISTINCT FROM OLD.lane_rows_done[2])
         OR (NEW.lease_token IS NULL AND OLD.lease_token IS NOT NULL) THEN
        RAISE EXCEPTION 'the database went away';
      END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER upload_outage BEFORE UPDATE ON consent_uploads
      FOR EACH ROW EXECUTE FUNCTION upload_outage();`.execute(owner);
  try {
    await assert.rejects(t.system.uploads.process(id), /went away/);
  } finally {
    await sql`DROP TRIGGER upload_outage ON consent_uploads; DROP FUNCTION upload_outage();`.execute(owner);
  }
  const stopped = await progressOf(id);
  assert.ok(stopped.locked_until && stopped.locked_until.getTime() > Date.now(), 'the lease is still held');
  // Its job's failure went unrecorded too; the sweep finds the file at once, not after the lease's minute,
  // because the lease is this process's own and none of its writes is still running.
  assert.equal(await t.system.uploads.resumeStalled(), 1);
  assert.equal(await t.system.uploads.process(id), 'done');
  await assertCompletedOnce(id, since, 2000, 0);
});

/** An upload service of its own on the test system's database, as another worker process would have. */
function anotherUploadService(
  cipher: FieldCipher,
  preparer: Pick<BulkPreparer, 'prepareUploadRows'>,
): UploadService {
  const db = t.system.database.db;
  return createUploadService({
    db,
    uploads: createUploadRepository(db),
    providers: createProviderRepository(db),
    writer: {
      consents: createConsentRepository(db),
      retailers: createRetailerRepository(db),
      webhooks: createWebhookRepository(db, t.database.url),
      calendar: turkishWorkingCalendar(),
    },
    cipher,
    preparer,
    queue: { enqueue: async () => {} },
    notices: { wake: async () => {} },
    rowsPerBatch: 1000,
  });
}

test(
  'an accept thread killed while it prepares rows fails that run only: the next run applies each row once',
  {
    timeout: 60_000,
  },
  async () => {
    const since = new Date();
    const masterKey = randomBytes(32);
    const cipher = new FieldCipher(createKeyRing(masterKey));
    const pool = createBulkPreparer({ threads: 1, masterKey, cipher, logger: pino({ level: 'silent' }) });
    let handedOver = 0;
    const killing: BulkPreparer['prepareUploadRows'] = (input) => {
      const prepared = pool.prepareUploadRows(input);
      // The thread dies (out of memory, killed) while it prepares the file's second 2,000 rows.
      if (++handedOver === 2) void pool.threads[0]!.terminate();
      return prepared;
    };
    const uploads = anotherUploadService(cipher, { prepareUploadRows: killing });
    try {
      const id = await receive('kesik.csv', onayLines(5000, 20_000), uploads);
      await assert.rejects(uploads.process(id));
      const stopped = await progressOf(id);
      assert.ok(stopped.rows_done <= 2000, `stopped at ${stopped.rows_done}`);
      assert.equal(stopped.locked_until, null, 'the lease was let go: the job retries at once');
      // The pool replaced its thread; the job's next try resumes from what was committed.
      const firstRun = handedOver;
      assert.equal(await uploads.process(id), 'done');
      assert.ok(handedOver > firstRun, 'the next run prepared its rows on the new thread');
      await assertCompletedOnce(id, since, 5000, 0);
    } finally {
      await pool.close();
    }
  },
);

test('a row the database refuses fails alone with H923: the rest of the file is applied, once', async () => {
  const since = new Date();
  const refusedDate = recentWireDate(7200_000);
  const lines = onayLines(5, 30_000);
  lines[2] = lines[2]!.replace(/,[^,]+$/, `,${refusedDate}`);
  // A constraint the rules know nothing of stands for any value the database cannot keep: the lane's write
  // failed at every retry, and the upload never ended.
  const parsed = parseWireDate(refusedDate);
  assert.ok(parsed.ok);
  await sql`ALTER TABLE consent_events ADD CONSTRAINT refused_in_test
              CHECK (consent_date <> ${sql.lit(parsed.date.toISOString())}::timestamptz) NOT VALID`.execute(
    owner,
  );
  try {
    const id = await receive('bir-satir-reddedilir.csv', lines);
    assert.equal(await t.system.uploads.process(id), 'done');
    await assertCompletedOnce(id, since, 5, 1);
    const { rows } = await sql<{ row_number: number; code: string }>`
      SELECT row_number, code FROM consent_upload_errors WHERE upload_id = ${id}`.execute(owner);
    assert.deepEqual(
      rows.map((r) => [r.row_number, r.code]),
      [[4, 'H923']],
      'the third data row, the file’s fourth line',
    );
    // The operator is told, with the upload and the database's own words.
    const told = t.logLines.map((line) => JSON.parse(line)).find((l) => l.uploadId === id);
    assert.match(told?.msg ?? '', /refused an upload lane/);
    assert.match(told?.err?.message ?? '', /refused_in_test/);
  } finally {
    await sql`ALTER TABLE consent_events DROP CONSTRAINT refused_in_test`.execute(owner);
  }
});
