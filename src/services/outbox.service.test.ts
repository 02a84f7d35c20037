import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { FieldCipher } from '../crypto/field-cipher.js';
import { createKeyRing } from '../crypto/keys.js';
import { connectDatabase, type DatabaseHandle } from '../db/connect.js';
import { createConsentRepository } from '../repositories/consent.repository.js';
import { createOutboxRepository } from '../repositories/outbox.repository.js';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/database.js';
import type { OutgoingMessage } from './messaging/message-sender.js';
import { createOutboxService, MAX_SEND_ATTEMPTS } from './outbox.service.js';

let database: TestDatabase;
let handle: DatabaseHandle;
before(async () => {
  database = await createTestDatabase();
  handle = connectDatabase(database.url, { max: 2 });
});
after(async () => {
  await handle.close();
  await database.drop();
});

test('a message is delivered once; failures are recorded without the address, and the last one gives up', async () => {
  const cipher = new FieldCipher(createKeyRing(randomBytes(32)));
  const outbox = createOutboxRepository(handle.db);
  const consents = createConsentRepository(handle.db);
  const sent: OutgoingMessage[] = [];
  let failWith: string | null = 'connection refused for +905321234567';
  const sender = {
    async send(message: OutgoingMessage) {
      if (failWith) throw new Error(failWith);
      sent.push(message);
    },
  };
  const service = createOutboxService({ outbox, cipher, senders: { sms: sender, email: sender } });

  const sealed = cipher.sealAddress('+905321234567');
  await consents.insertRecipients(handle.db, [{ ...sealed, kind: 'phone' }]);
  const message = service.prepare({
    channel: 'sms',
    recipientKey: sealed.recipientKey,
    purpose: 'otp',
    text: 'kod: 123456',
  });
  await outbox.insertMessages(handle.db, [message]);
  const row = () =>
    handle.db
      .selectFrom('outbox_messages')
      .selectAll()
      .where('id', '=', message.id)
      .executeTakeFirstOrThrow();
  assert.equal((await row()).body_enc.includes(Buffer.from('123456')), false, 'the text is stored encrypted');

  await assert.rejects(service.deliver(message.id, 1), /delivery of .* failed/);
  const failed = await row();
  assert.equal(failed.status, 'pending');
  assert.equal(failed.attempts, 1);
  assert.equal(failed.last_error, 'connection refused for <recipient>');

  failWith = null;
  assert.equal(await service.deliver(message.id, 2), 'sent');
  assert.equal(await service.deliver(message.id, 3), 'skipped', 'a retried job does not send twice');
  assert.deepEqual(sent, [{ channel: 'sms', to: '+905321234567', subject: undefined, text: 'kod: 123456' }]);
  assert.equal((await row()).status, 'sent');

  failWith = 'down';
  const doomed = service.prepare({
    channel: 'sms',
    recipientKey: sealed.recipientKey,
    purpose: 'otp',
    text: 'x',
  });
  await outbox.insertMessages(handle.db, [doomed]);
  await assert.rejects(service.deliver(doomed.id, MAX_SEND_ATTEMPTS));
  const given = await handle.db
    .selectFrom('outbox_messages')
    .selectAll()
    .where('id', '=', doomed.id)
    .executeTakeFirstOrThrow();
  assert.equal(given.status, 'failed');
});
