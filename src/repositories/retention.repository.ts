import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/types.js';

const count = (result: { numDeletedRows?: bigint }[] | { numAffectedRows?: bigint }) =>
  Number(Array.isArray(result) ? (result[0]?.numDeletedRows ?? 0n) : (result.numAffectedRows ?? 0n));

/** What the retention job removes, and the non-personal counts it leaves (migration 0036). */
export function createRetentionRepository(db: Kysely<Database>) {
  return {
    /** One batch of ended consents past the refusal period (see purge_ended_consents). */
    purgeEnded: async (olderThanDays: number, maxIdentities: number) =>
      (
        await sql<{ brand_id: number; consents: string; events: string; evidence: string }>`
          SELECT * FROM purge_ended_consents(make_interval(days => ${olderThanDays}), ${maxIdentities})`.execute(
          db,
        )
      ).rows.map((r) => ({
        brandId: r.brand_id,
        consents: Number(r.consents),
        events: Number(r.events),
        evidence: Number(r.evidence),
      })),

    /** Messages sent (or given up on) before `before`: their text and address are no longer needed. */
    deleteFinishedMessages: async (before: Date) =>
      count(
        await db
          .deleteFrom('outbox_messages')
          .where('status', 'in', ['sent', 'failed'])
          .where('created_at', '<', before)
          .execute(),
      ),

    deleteFinishedDeliveries: async (before: Date) =>
      count(
        await db
          .deleteFrom('webhook_deliveries')
          .where('status', 'in', ['delivered', 'failed'])
          .where('created_at', '<', before)
          .execute(),
      ),

    deleteFinishedUploads: async (before: Date) =>
      count(
        await db
          .deleteFrom('consent_uploads')
          .where('status', 'in', ['completed', 'failed'])
          .where('finished_at', '<', before)
          .execute(),
      ),

    /** Applied bulk requests: their items hold sealed addresses. */
    deleteFinishedBulkRequests: async (before: Date) =>
      count(await db.deleteFrom('bulk_requests').where('completed_at', '<', before).execute()),

    deleteExpiredChallenges: async (before: Date) =>
      count(await db.deleteFrom('otp_challenges').where('expires_at', '<', before).execute()),

    /** Closures kept as long as the refusals they caused; then their reports, once empty. */
    deleteOldClosures: async (before: Date) => {
      const closures = count(await db.deleteFrom('line_closures').where('applied_at', '<', before).execute());
      await sql`
        DELETE FROM line_closure_batches b WHERE b.received_at < ${before}
          AND NOT EXISTS (SELECT 1 FROM line_closures l WHERE l.batch_id = b.id)`.execute(db);
      return closures;
    },

    recordRun: (rows: Array<{ kind: string; brand_id: number | null; rows: number }>) =>
      rows.length === 0
        ? Promise.resolve()
        : db
            .insertInto('retention_runs')
            .values(rows)
            .execute()
            .then(() => {}),

    latestRuns: (limit: number) =>
      db.selectFrom('retention_runs').selectAll().orderBy('id', 'desc').limit(limit).execute(),

    /**
     * A citizen's erasure of an address: every link, code, message and İYS Yolu request of it goes now; the
     * address itself too when no record refers to it any more. Returns whether the address is gone.
     */
    eraseAddress: (recipientKey: Buffer) =>
      db.transaction().execute(async (trx) => {
        await trx.deleteFrom('citizen_addresses').where('recipient_key', '=', recipientKey).execute();
        await trx.deleteFrom('otp_challenges').where('recipient_key', '=', recipientKey).execute();
        await trx.deleteFrom('outbox_messages').where('recipient_key', '=', recipientKey).execute();
        await trx.deleteFrom('iys_yolu_requests').where('recipient_key', '=', recipientKey).execute();
        await trx.deleteFrom('consent_notifications').where('recipient_key', '=', recipientKey).execute();
        const gone = await sql`
          DELETE FROM recipients r WHERE r.recipient_key = ${recipientKey}
            AND NOT EXISTS (SELECT 1 FROM consents c WHERE c.recipient_key = r.recipient_key)
            AND NOT EXISTS (SELECT 1 FROM consent_events e WHERE e.recipient_key = r.recipient_key)
            AND NOT EXISTS (SELECT 1 FROM complaints p WHERE p.recipient_key = r.recipient_key)`.execute(trx);
        return count(gone) === 1;
      }),

    /** When the last record of an address ends its retention: its newest refusal's date. */
    latestRefusal: async (recipientKey: Buffer): Promise<Date | null> =>
      (
        await db
          .selectFrom('consents')
          .select((eb) => eb.fn.max('consent_date').as('at'))
          .where('recipient_key', '=', recipientKey)
          .executeTakeFirst()
      )?.at ?? null,

    /** The company's evidence with the state of the consent it supports, page by page, for the archive. */
    evidencePage: (brandIds: number[], afterId: string, limit: number) =>
      db
        .selectFrom('consent_evidence as v')
        .innerJoin('brands as b', 'b.id', 'v.brand_id')
        .innerJoin('consent_events as e', 'e.id', 'v.event_id')
        .leftJoin('consents as c', (join) =>
          join
            .onRef('c.recipient_key', '=', 'e.recipient_key')
            .onRef('c.brand_id', '=', 'e.brand_id')
            .onRef('c.recipient_type', '=', 'e.recipient_type')
            .onRef('c.type', '=', 'e.type'),
        )
        .select([
          'v.id',
          'v.transaction_id',
          'v.media_type',
          'v.bytes',
          'v.sha256',
          'v.content_enc',
          'v.created_at',
          'b.brand_code',
          'c.status',
          'c.consent_date',
        ])
        .where(sql<boolean>`v.brand_id = ANY(${brandIds}::int[])`)
        .where('v.id', '>', afterId)
        .orderBy('v.id')
        .limit(limit)
        .execute(),
  };
}

export type RetentionRepository = ReturnType<typeof createRetentionRepository>;
