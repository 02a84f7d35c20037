import assert from 'node:assert/strict';
import { test } from 'node:test';
import PgBoss from 'pg-boss';
import { createTestDatabase } from '../../test/helpers/database.js';
import { requireJobId } from './queue-worker.js';

test('pg-boss stores nothing for a queue that does not exist; requireJobId makes that an error', async () => {
  const database = await createTestDatabase({ empty: true });
  const boss = new PgBoss({ connectionString: database.ownerUrl, schema: 'pgboss', max: 1, schedule: false });
  boss.on('error', () => {});
  try {
    await boss.start();
    const id = await boss.send('no-such-queue', { requestId: 'x' });
    assert.equal(id, null, 'the premise: a silent null, nothing stored');
    assert.throws(() => requireJobId(id, 'no-such-queue'), /stored no job in queue "no-such-queue"/);
    await boss.createQueue('a-queue');
    const stored = await boss.send('a-queue', {});
    assert.equal(requireJobId(stored, 'a-queue'), stored);
  } finally {
    await boss.stop({ graceful: false, wait: true });
    await database.drop();
  }
});
