import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { acceptOnays, startTestSystem, type TestSystem } from '../../test/helpers/system.js';

/** 50 notices a second: the outbox takes a minute of them, 3,000 messages. */
const PER_SECOND = 50;
const ALLOWANCE = 60 * PER_SECOND;

let t: TestSystem;
before(async () => {
  t = await startTestSystem({ workers: false, noticesPerSecond: PER_SECOND });
});
after(() => t.close());

const pendingNotices = async () =>
  Number(
    (
      await sql<{ n: string }>`
        SELECT count(*) AS n FROM outbox_messages WHERE status = 'pending' AND purpose = 'consent-notice'`.execute(
        t.system.database.db,
      )
    ).rows[0]!.n,
  );
/** The paced sender delivers `n` of the waiting notices. */
const send = (n: number) =>
  sql`UPDATE outbox_messages SET status = 'sent', sent_at = now()
      WHERE id IN (SELECT id FROM outbox_messages WHERE status = 'pending' AND purpose = 'consent-notice'
                   ORDER BY created_at LIMIT ${n})`.execute(t.system.database.db);

test('a full outbox is refilled by the claim, not a few notices at a time as the sender frees room', async () => {
  // 4,000 people are told of an ONAY: more than the outbox may hold.
  const token = await t.token();
  for (let r = 0; r < 4; r++) {
    const recipients = Array.from(
      { length: 1000 },
      (_, i) => `+90536${String(r * 1000 + i).padStart(7, '0')}`,
    );
    await t.system.bulk.processBulkRequest(await acceptOnays(t, token, recipients));
  }
  const notifications = t.system.notifications;

  const first = await notifications.dispatchPending();
  assert.deepEqual(first, { messages: ALLOWANCE, more: true });
  assert.equal(await pendingNotices(), ALLOWANCE);

  // The sender has delivered a handful: reading the log for them would repeat a whole claim's queries
  // (the outbox count, the log page, its joins) for a few notices, again and again under a backlog.
  await send(40);
  const few = await notifications.dispatchPending();
  assert.deepEqual([few.messages, few.more], [0, false]);
  assert.equal(few.waitingForRoom, true, 'the job looks again once the sender has made room');
  assert.equal(await pendingNotices(), ALLOWANCE - 40);

  // A quarter of the allowance is free: that is a claim worth reading.
  await send(ALLOWANCE / 4);
  const claim = await notifications.dispatchPending();
  assert.deepEqual([claim.messages, claim.more], [ALLOWANCE / 4 + 40, true]);
  assert.equal(await pendingNotices(), ALLOWANCE);
});
