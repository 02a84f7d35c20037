import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { DEMO, postConsent, startTestSystem, type TestSystem } from '../../test/helpers/system.js';
import { FieldCipher } from '../crypto/field-cipher.js';
import { createKeyRing } from '../crypto/keys.js';
import { newTransactionId } from '../crypto/transaction-id.js';
import { turkishWorkingCalendar } from '../domain/business-days.js';
import { createConsentRepository } from '../repositories/consent.repository.js';
import { createRetailerRepository } from '../repositories/retailer.repository.js';
import { createWebhookRepository } from '../repositories/webhook.repository.js';
import { createSingleAddWriter } from './single-add-writer.js';

let t: TestSystem;
let token: string;
const statusUrl = `/sps/${DEMO.iysCode}/brands/${DEMO.brandCode}/consents/status`;

before(async () => {
  t = await startTestSystem();
  token = await t.token();
});
after(() => t.close());

const add = (recipient: string) => postConsent(t, token, { recipient, type: 'MESAJ' });

/** The writing transactions (tx) of these recorded movements. */
async function writingTransactions(transactionIds: string[]): Promise<Set<string>> {
  const { rows } = await sql<{ tx: string }>`
    SELECT tx::text AS tx FROM consent_events WHERE transaction_id = ANY(${transactionIds}::text[])`.execute(
    t.system.database.db,
  );
  assert.equal(rows.length, transactionIds.length, 'every add is recorded once');
  return new Set(rows.map((r) => r.tx));
}

test('single adds of one brand arriving together are written by fewer transactions, each with its own answer', async () => {
  const recipients = Array.from({ length: 20 }, (_, i) => `+90555444${String(i).padStart(4, '0')}`);
  const answers = await Promise.all(recipients.map((recipient) => add(recipient)));
  for (const answer of answers) assert.equal(answer.statusCode, 200, answer.body);
  const transactionIds = answers.map((answer) => answer.json().transactionId as string);
  assert.equal(new Set(transactionIds).size, 20, 'each add has its own transaction id');
  const written = await writingTransactions(transactionIds);
  assert.ok(written.size < 20, `20 adds in ${written.size} transactions`);

  // Each is stored as its own consent, readable by its own status query.
  const status = await t.app.inject({
    method: 'POST',
    url: statusUrl,
    headers: { authorization: `Bearer ${token}` },
    payload: { recipient: recipients[7], recipientType: 'BIREYSEL', type: 'MESAJ' },
  });
  assert.equal(status.json().transactionId, transactionIds[7]);
});

test('two identical adds arriving together: one is recorded, the other refused as a repeat (H174)', async () => {
  const recipient = '+905554449999';
  const answers = await Promise.all([add(recipient), add(recipient)]);
  assert.deepEqual(answers.map((answer) => answer.statusCode).sort(), [200, 400]);
  const refused = answers.find((answer) => answer.statusCode === 400)!;
  assert.equal(refused.json().errors[0].code, 'H174');
  assert.equal(
    (await writingTransactions([answers.find((answer) => answer.statusCode === 200)!.json().transactionId]))
      .size,
    1,
  );
});

test('adds of one identity handed over together are written in that order, in separate transactions', async () => {
  const db = t.system.database.db;
  const writer = {
    consents: createConsentRepository(db),
    retailers: createRetailerRepository(db),
    webhooks: createWebhookRepository(db, t.database.url),
    calendar: turkishWorkingCalendar(),
  };
  const singleAdds = createSingleAddWriter({ db, writer, clock: () => new Date() });
  const cipher = new FieldCipher(createKeyRing(randomBytes(32)));
  const brand = await db
    .selectFrom('brands')
    .select('id')
    .where('brand_code', '=', Number(DEMO.brandCode))
    .executeTakeFirstOrThrow();
  const sealed = (status: 'ONAY' | 'RET', consentDate: Date) => ({
    ...cipher.sealAddress('+905554448888'),
    recipientKind: 'phone' as const,
    recipientType: 'BIREYSEL' as const,
    type: 'MESAJ' as const,
    status,
    source: 'HS_WEB' as const,
    consentDate,
    retailerCode: null,
    retailerAccess: [],
    transactionId: newTransactionId(),
  });
  const actor = { kind: 'provider' as const, id: 'test' };
  const now = Date.now();
  const [onay, ret] = await Promise.all([
    singleAdds.add({ id: brand.id, activatedAt: null }, actor, sealed('ONAY', new Date(now - 60_000))),
    singleAdds.add({ id: brand.id, activatedAt: null }, actor, sealed('RET', new Date(now - 30_000))),
  ]);
  assert.ok(onay.outcome.ok && ret.outcome.ok, JSON.stringify([onay.outcome, ret.outcome]));
  const { rows } = await sql<{ status: string; tx: string }>`
    SELECT status, tx::text AS tx FROM consent_events
     WHERE transaction_id = ANY(${[onay.outcome.transactionId, ret.outcome.transactionId]}::text[])
     ORDER BY id`.execute(db);
  assert.deepEqual(
    rows.map((r) => r.status),
    ['ONAY', 'RET'],
  );
  assert.notEqual(rows[0]!.tx, rows[1]!.tx, 'an identity is in a group once: the second waits for the next');
});
