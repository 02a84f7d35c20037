import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { onboardProvider, uploadFile, waitForUpload, type PortalUser } from '../helpers/portal.js';
import { recentWireDate, startTestSystem, type TestSystem } from '../helpers/system.js';
import { bombCorpus, hostileCorpus, type HostileFile } from './hostile-files.js';

let t: TestSystem;
let admin: PortalUser;
let brandCode: number;
before(async () => {
  t = await startTestSystem({ uploadMaxBytes: 32 * 1024 * 1024 });
  ({ admin, brandCode } = await onboardProvider(t));
});
after(() => t.close());

const phone = (i: number) => `+90535${String(i).padStart(7, '0')}`;

async function uploadAndSettle(file: HostileFile) {
  const uploaded = await uploadFile(t, admin, brandCode, { name: file.name, data: file.data });
  assert.equal(uploaded.statusCode, 200, `${file.name}: ${uploaded.body}`);
  return waitForUpload(admin, uploaded.json().id, 120_000);
}

function assertOutcome(file: HostileFile, upload: Record<string, unknown>) {
  const context = `${file.name}: ${JSON.stringify(upload)}`;
  assert.equal(upload.status, file.expect.status, context);
  if (file.expect.status === 'completed') {
    assert.equal(upload.rowsApplied, file.expect.applied, context);
    assert.equal(upload.rowsFailed, file.expect.failed, context);
  } else {
    assert.equal(upload.failureCode, file.expect.code, context);
    // A Turkish message a person can act on, never the file's content.
    assert.match(String(upload.failure), /[a-zçğıöşü]{3}/i, context);
    assert.ok(!/\+90535/.test(String(upload.failure)) && !String(upload.failure).includes('\0'), context);
  }
}

async function storedChunks(): Promise<number> {
  const client = new pg.Client({ connectionString: t.database.url });
  await client.connect();
  try {
    return Number((await client.query('SELECT count(*) AS n FROM consent_upload_chunks')).rows[0].n);
  } finally {
    await client.end();
  }
}

test('every hostile file ends in a final state with the right outcome, and the process keeps serving', async () => {
  const corpus = await hostileCorpus(recentWireDate(3600_000), phone);
  for (const file of corpus) assertOutcome(file, await uploadAndSettle(file));
  // Nothing of any file is kept once it is final, and nothing is left for a worker to retry.
  assert.equal(await storedChunks(), 0);
  const ready = await t.app.inject({ method: 'GET', url: '/ready' });
  assert.equal(ready.statusCode, 200);
});

test('failed uploads leave no address and no message in the job queue', async () => {
  const client = new pg.Client({ connectionString: t.database.url });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT data::text || coalesce(output::text, '') AS text FROM pgboss.job
       UNION ALL SELECT data::text || coalesce(output::text, '') FROM pgboss.archive`,
    );
    for (const { text } of rows as { text: string }[]) {
      assert.doesNotMatch(text, /\+?90535\d{7}|@example|Invalid|quote/i, text.slice(0, 300));
    }
  } finally {
    await client.end();
  }
});

test('bombs fail with their code while the process grows by less than 300 MB', async () => {
  const bombs = await bombCorpus();
  (await import('node:v8')).setFlagsFromString('--trace-pretenuring');
  global.gc?.();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
  const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);
  const peaks: string[] = []; // so a failure says which bomb it was
  try {
    for (const file of bombs) {
      assertOutcome(file, await uploadAndSettle(file));
      peaks.push(`${file.name} ${mb(peak - baseline)} MB`);
      // Each bomb is measured on its own: what one left as garbage (the test's own request buffers
      // included) is not counted against the next. Under a loaded machine the collector lags otherwise.
      global.gc?.();
    }
  } finally {
    clearInterval(sampler);
  }
  const growthMb = (peak - baseline) / 1024 / 1024;
  console.log(`bomb corpus: peak RSS growth ${growthMb.toFixed(0)} MB (after each: ${peaks.join(', ')})`);
  assert.ok(growthMb < 300, `peak RSS grew by ${growthMb.toFixed(0)} MB`);
});

test('a cancelled upload stops, keeps what it applied, and cannot be cancelled twice', async () => {
  const rows = Array.from(
    { length: 5000 },
    (_, i) => `${phone(100_000 + i)},BIREYSEL,MESAJ,ONAY,HS_WEB,${recentWireDate(3600_000)}`,
  );
  const data = Buffer.from(
    ['recipient,recipientType,type,status,source,consentDate', ...rows, ''].join('\n'),
  );
  const uploaded = await uploadFile(t, admin, brandCode, { name: 'iptal.csv', data });
  const id = uploaded.json().id;
  const cancelled = await admin.call('POST', `/api/portal/uploads/${id}/cancel`);
  assert.equal(cancelled.statusCode, 200, cancelled.body);
  assert.equal(cancelled.json().status, 'cancelled');
  const again = await admin.call('POST', `/api/portal/uploads/${id}/cancel`);
  assert.equal(again.statusCode, 409);
  assert.equal(again.json().errors[0].code, 'H966');
  // The worker may have applied batches before the cancel; nothing is applied after it.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const settled = (await admin.call('GET', `/api/portal/uploads/${id}`)).json();
  assert.equal(settled.status, 'cancelled');
  assert.equal(settled.rowsApplied % 1000, 0, 'only whole batches are applied');
  assert.equal(await storedChunks(), 0);
});

test('a file over the configured size is refused at once with H962', async () => {
  const big = Buffer.alloc(t.system.uploads.maxBytes + 1, 'x');
  const uploaded = await uploadFile(t, admin, brandCode, { name: 'buyuk.csv', data: big });
  assert.equal(uploaded.statusCode, 413, uploaded.body);
  assert.equal(uploaded.json().errors[0].code, 'H962');
  assert.equal(await storedChunks(), 0);
});
