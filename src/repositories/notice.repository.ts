import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import type { Database } from '../db/types.js';
import { logHorizon } from './log-horizon.js';
import { NOTICE_PURPOSE } from './outbox.repository.js';
import { byteaArray } from '../db/binary-array.js';

type Executor = Kysely<Database> | Transaction<Database>;

/** A notice to send: an ONAY a company recorded for a person, with what the message names. */
export interface NoticeCandidate {
  /** The row of a held-back notice; null for one read from the log just now. */
  id: string | null;
  event_id: string;
  recipient_key: Buffer;
  brand_id: number;
  type: string;
  kind: 'phone' | 'email';
  brand_name: string;
  company: string;
}

export interface LoggedNotice extends NoticeCandidate {
  tx: string;
  /** A record of the company's past: no notice (it is read only to move the cursor past it). */
  historical: boolean;
  /** It must wait: the person was sent a notice within the day, or the brand is blocked. */
  held: boolean;
}

const COUNT_CAP = 100_000;

/** The events the log's notice index holds (its predicate, so that the index serves the query). */
const inNoticeIndex = sql<boolean>`
  e.status = 'ONAY' AND e.recipient_type = 'BIREYSEL' AND e.actor_kind = 'provider'
  AND e.source IS DISTINCT FROM 'HS_2015'`;
/**
 * The one part of isHistorical an index predicate cannot state: a record dated before the company joined
 * the registry notifies no one.
 */
const historical = sql<boolean>`e.consent_date < coalesce(p.activated_at, '-infinity')`;

/** Whether the person was sent a consent notice after `since`: at most one a day, for log and held notices. */
const toldSince = (recipientKey: RawBuilder<unknown>, since: Date) => sql<boolean>`
  EXISTS (SELECT 1 FROM outbox_messages m
          WHERE m.recipient_key = ${recipientKey} AND m.purpose = ${NOTICE_PURPOSE} AND m.created_at > ${since})`;

/**
 * Consent notices. They are derived from the event log by a cursor (migration 0025); only those that must
 * wait — for the person's next day, or for a blocked brand to be lifted — are written down, in
 * consent_notifications, until they can go.
 */
export function createNoticeRepository(db: Kysely<Database>) {
  return {
    /** Locks the cursor for the rest of the transaction: one reader at a time, in every process. */
    lockCursor: async (trx: Transaction<Database>) =>
      trx.selectFrom('notice_cursor').select(['tx', 'event_id']).forUpdate().executeTakeFirstOrThrow(),

    moveCursor: (trx: Transaction<Database>, to: { tx: string; event_id: string }) =>
      trx
        .updateTable('notice_cursor')
        .set({ tx: sql<string>`${to.tx}::xid8`, event_id: to.event_id })
        .execute(),

    /**
     * Notice-worthy events after the cursor, in (tx, id) order, below the log horizon, so an event
     * that commits late is never passed.
     */
    readFromLog: async (
      trx: Transaction<Database>,
      after: { tx: string; event_id: string },
      limit: number,
      lastNoticeBefore: Date,
    ): Promise<LoggedNotice[]> => {
      const { rows } = await sql<LoggedNotice>`
        SELECT NULL AS id, e.id AS event_id, e.tx::text AS tx, e.recipient_key, e.brand_id, e.type, r.kind,
               b.name AS brand_name, p.title AS company, ${historical} AS historical,
               b.blocked_at IS NOT NULL OR ${toldSince(sql.ref('e.recipient_key'), lastNoticeBefore)} AS held
        FROM consent_events e
        JOIN brands b ON b.id = e.brand_id
        JOIN providers p ON p.id = b.provider_id
        JOIN recipients r ON r.recipient_key = e.recipient_key
        WHERE (e.tx, e.id) > (${after.tx}::xid8, ${after.event_id}::bigint)
          AND e.tx < ${logHorizon} AND ${inNoticeIndex}
        ORDER BY e.tx, e.id
        LIMIT ${limit}`.execute(trx);
      return rows;
    },

    /** Writes down notices that must wait. */
    hold: async (executor: Executor, notices: NoticeCandidate[], at: Date): Promise<void> => {
      if (notices.length === 0) return;
      await sql`
        INSERT INTO consent_notifications (event_id, recipient_key, brand_id, type, created_at)
        SELECT *, ${at}::timestamptz
        FROM unnest(${notices.map((n) => n.event_id)}::bigint[], ${byteaArray(notices.map((n) => n.recipient_key))}::bytea[],
                    ${notices.map((n) => n.brand_id)}::integer[], ${notices.map((n) => n.type)}::text[])`.execute(
        executor,
      );
    },

    /** Held notices whose wait is over: the person's day has passed and the brand is not blocked. */
    claimHeld: (
      trx: Transaction<Database>,
      limit: number,
      lastNoticeBefore: Date,
    ): Promise<NoticeCandidate[]> =>
      trx
        .selectFrom('consent_notifications as n')
        .innerJoin('brands as b', 'b.id', 'n.brand_id')
        .innerJoin('providers as p', 'p.id', 'b.provider_id')
        .innerJoin('recipients as r', 'r.recipient_key', 'n.recipient_key')
        .select(['n.id', 'n.event_id', 'n.recipient_key', 'n.brand_id', 'n.type', 'r.kind'])
        .select(['b.name as brand_name', 'p.title as company'])
        .where('n.message_id', 'is', null)
        .where('b.blocked_at', 'is', null)
        .where(sql<boolean>`NOT ${toldSince(sql.ref('n.recipient_key'), lastNoticeBefore)}`)
        .orderBy('n.id')
        .limit(limit)
        .forUpdate('n')
        .skipLocked()
        .execute(),

    /** Marks held notices as sent in the given messages. */
    markSent: async (trx: Transaction<Database>, links: Array<{ id: string; messageId: string }>) => {
      if (links.length === 0) return;
      await sql`
        UPDATE consent_notifications n SET message_id = l.message_id
        FROM unnest(${links.map((l) => l.id)}::bigint[], ${links.map((l) => l.messageId)}::uuid[]) AS l(id, message_id)
        WHERE n.id = l.id`.execute(trx);
    },

    /**
     * Notices not yet sent: held ones, and notice-worthy events the cursor has not reached — counted up to
     * COUNT_CAP of the latter, as this is asked every half minute and a large import leaves millions.
     */
    countPending: async (): Promise<number> => {
      const { rows } = await sql<{ n: string }>`
        SELECT (SELECT count(*) FROM consent_notifications WHERE message_id IS NULL)
             + (SELECT count(*) FROM (
                  SELECT 1 FROM consent_events e
                  JOIN brands b ON b.id = e.brand_id JOIN providers p ON p.id = b.provider_id
                  CROSS JOIN notice_cursor c
                  WHERE (e.tx, e.id) > (c.tx, c.event_id) AND ${inNoticeIndex} AND NOT ${historical}
                  LIMIT ${COUNT_CAP}) unread) AS n`.execute(db);
      return Number(rows[0]!.n);
    },
  };
}

export type NoticeRepository = ReturnType<typeof createNoticeRepository>;
