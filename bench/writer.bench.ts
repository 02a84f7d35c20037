/**
 * `npm run bench -- writer`: the consent writer alone (writeConsents: the current-state read, the rules, the
 * leaf hashes, the statements' parameters and their answers), on the real database, in transactions of
 * 5,000 consents as a bulk request's lane applies them: first each identity's ONAY, then its RET. Prints the
 * CPU per row of this process and of PostgreSQL, the median of the rounds. Node's share is what changes to
 * the writer's own code move, and, unlike a whole-path rate, it does not depend on what else the machine
 * runs at the time (within a few per cent), so a change of a few µs shows.
 */
import { randomBytes } from 'node:crypto';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { FieldCipher } from '../src/crypto/field-cipher.js';
import { createKeyRing } from '../src/crypto/keys.js';
import type { Database } from '../src/db/types.js';
import { turkishWorkingCalendar } from '../src/domain/business-days.js';
import { createConsentRepository } from '../src/repositories/consent.repository.js';
import { createRetailerRepository } from '../src/repositories/retailer.repository.js';
import { createWebhookRepository } from '../src/repositories/webhook.repository.js';
import { prepareDatabase } from '../src/runtime.js';
import {
  lockForWrite,
  newTransactionId,
  writeConsents,
  type SealedConsent,
  type WriterDeps,
} from '../src/services/consent-writer.js';
import { createBenchDatabase } from './bench-database.js';
import { sampleCpu, type CpuSample } from './cpu.js';
import { medianAndLeast } from './stats.js';

const ROWS = 5000;
const ROUNDS = Number(process.env.BENCH_WRITER_ROUNDS ?? 20);

/** µs of CPU per row since `from`: this process, and PostgreSQL's processes. */
function perRow(from: CpuSample, rows: number): { node: number; postgres: number } {
  const to = sampleCpu();
  let postgres = 0;
  for (const [pid, seconds] of to.postgres) postgres += seconds - (from.postgres.get(pid) ?? 0);
  return { node: ((to.node - from.node) * 1e6) / rows, postgres: (postgres * 1e6) / rows };
}

export async function benchWriter(): Promise<void> {
  const database = await createBenchDatabase();
  await prepareDatabase(database.url, undefined);
  const pool = new pg.Pool({ connectionString: database.url, max: 2 });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    const { rows } = await pool.query<{ id: number }>(`
      WITH provider AS (
        INSERT INTO providers (iys_code, kind, title, status, activated_at)
        VALUES (790001, 'TUZEL', 'Writer Bench A.Ş.', 'active', now() - interval '1 year') RETURNING id)
      INSERT INTO brands (provider_id, brand_code, name) SELECT id, 790010, 'Bench' FROM provider RETURNING id`);
    const brandId = rows[0]!.id;
    const writer: WriterDeps = {
      consents: createConsentRepository(db),
      retailers: createRetailerRepository(db),
      webhooks: createWebhookRepository(db, database.url),
      calendar: turkishWorkingCalendar(),
    };
    const cipher = new FieldCipher(createKeyRing(randomBytes(32)));
    const consentDate = new Date(Date.now() - 3600_000);

    const newConsents = (round: number): SealedConsent[] =>
      Array.from({ length: ROWS }, (_, i) => {
        const { recipientKey, addressEnc } = cipher.sealAddress(
          `+90536${String(round * ROWS + i).padStart(7, '0')}`,
        );
        return {
          recipientKey,
          addressEnc,
          recipientKind: 'phone',
          recipientType: 'BIREYSEL',
          type: 'MESAJ',
          status: 'ONAY',
          source: 'HS_WEB',
          consentDate,
          retailerCode: null,
          retailerAccess: [],
          transactionId: newTransactionId(),
          actorId: '1',
        };
      });

    const write = async (consents: SealedConsent[]) => {
      const now = new Date();
      const started = sampleCpu();
      await db.transaction().execute(async (trx) => {
        const lock = await lockForWrite(trx, writer, [
          { brandId, recipientKeys: consents.map((c) => c.recipientKey) },
        ]);
        const written = await writeConsents(trx, writer, lock, {
          brandId,
          activatedAt: new Date(0),
          receivedAt: now,
          now,
          actor: { kind: 'provider', id: null },
          consents,
        });
        if (written.outcomes.some((o) => !o.ok)) throw new Error('a bench consent was refused');
      });
      return perRow(started, consents.length);
    };

    const inserts: Array<{ node: number; postgres: number }> = [];
    const updates: Array<{ node: number; postgres: number }> = [];
    for (let round = 0; round < ROUNDS; round++) {
      const onay = newConsents(round);
      const ret = onay.map((c) => ({
        ...c,
        status: 'RET' as const,
        consentDate: new Date(consentDate.getTime() + 60_000),
        transactionId: newTransactionId(),
      }));
      inserts.push(await write(onay));
      updates.push(await write(ret));
    }
    // The first rounds warm the JIT and the database's caches; the median of the rest is printed, and for
    // Node the least round too: a busy neighbour on the machine only ever adds time.
    // PostgreSQL's CPU comes from /proc in 10 ms ticks, 2 µs a row for one round: its mean over the rounds
    // resolves what one round's figure cannot.
    const mean = (xs: number[]) => {
      const kept = xs.slice(2);
      return `${(kept.reduce((sum, x) => sum + x, 0) / kept.length).toFixed(1)} (mean)`;
    };
    const least = (xs: number[]) => medianAndLeast(xs.slice(2));
    console.log(`writer: ${ROUNDS} rounds of ${ROWS} new ONAYs, then their RETs, a transaction each`);
    console.log(
      `  ONAY (new identity): Node ${least(inserts.map((x) => x.node))} µs, PostgreSQL ${mean(inserts.map((x) => x.postgres))} µs a row`,
    );
    console.log(
      `  RET (moves a consent): Node ${least(updates.map((x) => x.node))} µs, PostgreSQL ${mean(updates.map((x) => x.postgres))} µs a row`,
    );
  } finally {
    await db.destroy();
    await database.close();
  }
}
