import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { demoProviderToken, startServerProcess } from '../helpers/server-process.js';
import { DEMO, recentWireDate } from '../helpers/system.js';

let database: TestDatabase;
let client: pg.Client;
before(async () => {
  database = await createTestDatabase();
  client = new pg.Client({ connectionString: database.url });
  await client.connect();
});
after(async () => {
  await client.end();
  await database.drop();
});

const count = async (query: string) => Number((await client.query<{ n: string }>(query)).rows[0]!.n);

test('a server killed with SIGKILL mid-batch resumes after restart and applies every item exactly once', async () => {
  const env = {
    DATABASE_URL: database.url,
    DATABASE_OWNER_URL: database.ownerUrl,
    OPENIYS_MASTER_KEY: randomBytes(32).toString('hex'),
    OPENIYS_SANDBOX: 'true',
    OPENIYS_API_REQUESTS_PER_SECOND: '1000000',
    OPENIYS_SEED_DEMO: 'true',
  };
  const first = await startServerProcess(env);
  const token = await demoProviderToken(first.url);

  const REQUESTS = 12;
  const PER_REQUEST = 1000;
  const consentDate = recentWireDate(120_000);
  for (let r = 0; r < REQUESTS; r++) {
    const batch = Array.from({ length: PER_REQUEST }, (_, i) => ({
      recipient: `+90534${String(r * PER_REQUEST + i).padStart(7, '0')}`,
      recipientType: 'BIREYSEL',
      type: 'MESAJ',
      status: 'ONAY',
      source: 'HS_WEB',
      consentDate,
    }));
    const response = await fetch(
      `${first.url}/sps/${DEMO.iysCode}/brands/${DEMO.brandCode}/consents/request`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(batch),
      },
    );
    assert.equal(response.status, 200);
  }

  // Kill while the worker is part-way through the accepted requests.
  let completed = 0;
  for (let i = 0; i < 2000 && completed < 1; i++) {
    completed = await count('SELECT count(*) AS n FROM bulk_requests WHERE completed_at IS NOT NULL');
    if (completed < 1) await sleep(5);
  }
  first.child.kill('SIGKILL');
  assert.equal(await first.exited, 'SIGKILL');
  const completedAtKill = await count(
    'SELECT count(*) AS n FROM bulk_requests WHERE completed_at IS NOT NULL',
  );
  assert.ok(completedAtKill < REQUESTS, `the kill came too late to test anything (${completedAtKill} done)`);

  const second = await startServerProcess(env);
  try {
    for (let i = 0; i < 600; i++) {
      if ((await count('SELECT count(*) AS n FROM bulk_requests WHERE completed_at IS NULL')) === 0) break;
      await sleep(100);
    }
    assert.equal(await count('SELECT count(*) AS n FROM bulk_requests WHERE completed_at IS NULL'), 0);
    assert.equal(await count('SELECT count(*) AS n FROM consent_events'), REQUESTS * PER_REQUEST);
    assert.equal(await count('SELECT count(*) AS n FROM consents'), REQUESTS * PER_REQUEST);
    assert.equal(await count('SELECT count(*) AS n FROM bulk_item_failures'), 0);
  } finally {
    second.child.kill('SIGTERM');
    assert.equal(await second.exited, 0);
  }
});
