import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import { byteaArray, int4Array, textArray, timestamptzArray } from '../db/binary-array.js';
import { addressOfRecipient, brandOfKeyProbe } from '../db/probe.js';
import { logHorizon } from './log-horizon.js';
import type { ConsentEventsTable, ConsentsTable, Database } from '../db/types.js';

type Executor = Kysely<Database> | Transaction<Database>;

export type ConsentRow = Selectable<ConsentsTable>;
export type ConsentEventRow = Selectable<ConsentEventsTable>;

export interface ConsentIdentity {
  recipientKey: Buffer;
  recipientType: string;
  type: string;
}

export interface NewRecipient {
  recipientKey: Buffer;
  addressEnc: Buffer;
  kind: 'phone' | 'email';
}

export type NewConsentEvent = Omit<ConsentEventRow, 'id' | 'tx'>;

/** What the writer's rules read of an identity's current consent. */
export type CurrentState = Pick<ConsentRow, 'status' | 'source' | 'consent_date' | 'last_event_id'>;

// Arrays of arrays cannot pass through unnest() (it flattens them), so retailer lists travel as literals.
const toIntArrayLiteral = (values: number[]) => `{${values.join(',')}}`;

/**
 * One primary-key probe per identity, whatever the statistics say (see brandOfKeyProbe). A plain join lets
 * the planner hash the brand's whole projection instead; LIMIT 1 (the key is unique, so it changes nothing)
 * keeps the subquery from being flattened into such a join. Each found row says its identity's position
 * (`n`, from 1).
 */
export function currentStateQuery(brandId: number, ids: ConsentIdentity[]) {
  return sql<CurrentState & { n: string }>`
    SELECT q.n, c.status, c.source, c.consent_date, c.last_event_id
    FROM unnest(${byteaArray(ids.map((i) => i.recipientKey))}::bytea[],
                ${textArray(ids.map((i) => i.recipientType))}::text[], ${textArray(ids.map((i) => i.type))}::text[])
           WITH ORDINALITY AS q(k, rt, t, n)
    CROSS JOIN LATERAL (
      SELECT status, source, consent_date, last_event_id FROM consents
      WHERE recipient_key = q.k AND ${brandOfKeyProbe(brandId)} AND recipient_type = q.rt AND type = q.t
      LIMIT 1
    ) c`;
}

/**
 * A page of a brand's current consents with their sealed addresses, in key order after `after`; each
 * address read by its key for the page's own rows (addressOfRecipient).
 */
export function brandConsentsPage(
  db: Kysely<Database>,
  brandId: number,
  after: { key: Buffer; recipientType: string; type: string } | null,
  limit: number,
) {
  return db
    .selectFrom('consents as c')
    .select(['c.recipient_key', 'c.recipient_type', 'c.type', 'c.status', 'c.source'])
    .select(addressOfRecipient('c.recipient_key').as('address_enc'))
    .select(['c.consent_date', 'c.creation_date', 'c.transaction_id', 'c.retailer_code', 'c.retailer_access'])
    .where('c.brand_id', '=', brandId)
    .where(
      after
        ? sql<boolean>`(c.recipient_key, c.recipient_type, c.type) > (${after.key}, ${after.recipientType}, ${after.type})`
        : sql<boolean>`true`,
    )
    .orderBy('c.recipient_key')
    .orderBy('c.recipient_type')
    .orderBy('c.type')
    .limit(limit);
}

/** All SQL for consents: the event log, the current-state projection and the recipients they point at. */
export function createConsentRepository(db: Kysely<Database>) {
  return {
    /**
     * Takes the write locks of these (brand, lane) pairs for the rest of the transaction, in a fixed order,
     * and says which of the brands the regulator has blocked. A lane lock serialises the writers of one
     * part of a brand's identities (see laneOf), so two requests can never both read "no record" for the
     * same identity and both pass the first-record rules, while two writers of different lanes of one brand
     * work at the same time.
     *
     * The locks must come before the transaction's first write: the changes feed and the notice reader
     * order events by their writing transaction's id (tx), which PostgreSQL assigns at the first write, so
     * a writer that waited for a lane gets a later tx than the one it waited for, and an identity's movements
     * keep their order. A transaction that has already written is refused, loudly.
     */
    lockForWrite: async (
      trx: Transaction<Database>,
      locks: Array<{ brandId: number; lane: number }>,
    ): Promise<Set<number>> => {
      const ordered = [...locks].sort((a, b) => a.brandId - b.brandId || a.lane - b.lane);
      const brandIds = [...new Set(ordered.map((l) => l.brandId))];
      const { rows } = await sql<{ wrote: boolean; blocked: number[] }>`
        SELECT pg_current_xact_id_if_assigned() IS NOT NULL AS wrote,
               ARRAY(SELECT id FROM brands WHERE id = ANY(${brandIds}::int[]) AND blocked_at IS NOT NULL) AS blocked`.execute(
        trx,
      );
      if (rows[0]!.wrote)
        throw new Error('consent write locks are taken before the transaction writes anything');
      await sql`
        SELECT pg_advisory_xact_lock(${ADVISORY_NAMESPACE} + l.lane, l.brand)
        FROM unnest(${ordered.map((l) => l.brandId)}::int[], ${ordered.map((l) => l.lane)}::int[])
          WITH ORDINALITY AS l(brand, lane, n)
        ORDER BY l.n`.execute(trx);
      return new Set(rows[0]!.blocked);
    },

    /**
     * Current state for many identities of one brand in one round trip, as a list in their order (undefined
     * where none is held): what the writer's rules read, and nothing else, so no key is sent back.
     */
    findCurrent: async (
      executor: Executor,
      brandId: number,
      ids: ConsentIdentity[],
    ): Promise<Array<CurrentState | undefined>> => {
      const found = new Array<CurrentState | undefined>(ids.length);
      if (ids.length === 0) return found;
      const { rows } = await currentStateQuery(brandId, ids).execute(executor);
      for (const row of rows) found[Number(row.n) - 1] = row;
      return found;
    },

    insertRecipients: async (executor: Executor, rows: NewRecipient[]): Promise<void> => {
      if (rows.length === 0) return;
      await sql`
        INSERT INTO recipients (recipient_key, address_enc, kind)
        SELECT * FROM unnest(${byteaArray(rows.map((r) => r.recipientKey))}::bytea[],
                             ${byteaArray(rows.map((r) => r.addressEnc))}::bytea[], ${textArray(rows.map((r) => r.kind))}::text[])
        ON CONFLICT (recipient_key) DO NOTHING`.execute(executor);
    },

    /**
     * Appends events and moves the projection to them. The events are one write's: of one brand, at one
     * moment, by one kind of actor, which travel once, not per row. Each event's id by transaction id comes
     * back only `withIds` (a webhook delivery or a citizen's receipt names it): a lane's 5,000 ids read and
     * parsed for nothing cost every bulk and imported row.
     */
    appendEvents: async (
      executor: Executor,
      events: NewConsentEvent[],
      withIds: boolean,
    ): Promise<ReadonlyMap<string, string> | undefined> => {
      if (events.length === 0) return withIds ? new Map() : undefined;
      const { brand_id: brandId, creation_date: creationDate, actor_kind: actorKind } = events[0]!;
      for (const e of events)
        if (
          e.brand_id !== brandId ||
          e.creation_date.getTime() !== creationDate.getTime() ||
          e.actor_kind !== actorKind
        )
          throw new Error('appendEvents takes the events of one write (one brand, moment and actor kind)');
      // One statement: append to the log and move the projection, so they can never disagree.
      const inserted = await sql<{ id: string; transaction_id: string }>`
        WITH appended AS (
          INSERT INTO consent_events (transaction_id, brand_id, recipient_key, recipient_type, type, status, source,
            consent_date, creation_date, retailer_code, retailer_access, actor_kind, actor_id, leaf_hash)
          SELECT tx, ${brandId}::integer, k, rt, t, st, src, cd, ${creationDate}::timestamptz, rc, ra::integer[],
                 ${actorKind}::text, ai, lh
          FROM unnest(${textArray(events.map((e) => e.transaction_id))}::text[],
                      ${byteaArray(events.map((e) => e.recipient_key))}::bytea[],
                      ${textArray(events.map((e) => e.recipient_type))}::text[], ${textArray(events.map((e) => e.type))}::text[],
                      ${textArray(events.map((e) => e.status))}::text[], ${textArray(events.map((e) => e.source))}::text[],
                      ${timestamptzArray(events.map((e) => e.consent_date))}::timestamptz[],
                      ${int4Array(events.map((e) => e.retailer_code))}::integer[],
                      ${textArray(events.map((e) => toIntArrayLiteral(e.retailer_access)))}::text[],
                      ${textArray(events.map((e) => e.actor_id))}::text[], ${byteaArray(events.map((e) => e.leaf_hash))}::bytea[])
            AS e(tx, k, rt, t, st, src, cd, rc, ra, ai, lh)
          RETURNING id, transaction_id, brand_id, recipient_key, recipient_type, type, status, source, consent_date,
                    creation_date, retailer_code, retailer_access
        ), projected AS (
          INSERT INTO consents (recipient_key, brand_id, recipient_type, type, status, source, consent_date,
            creation_date, transaction_id, retailer_code, retailer_access, last_event_id)
          SELECT recipient_key, brand_id, recipient_type, type, status, source, consent_date, creation_date,
                 transaction_id, retailer_code, retailer_access, id
          FROM appended
          ON CONFLICT (recipient_key, brand_id, recipient_type, type) DO UPDATE SET
            status = EXCLUDED.status, source = EXCLUDED.source, consent_date = EXCLUDED.consent_date,
            creation_date = EXCLUDED.creation_date, transaction_id = EXCLUDED.transaction_id,
            -- A movement without a retailer keeps the consent's retailer and access list: the retailers who
            -- collected or were given a consent must still see it, above all its refusal.
            retailer_code = coalesce(EXCLUDED.retailer_code, consents.retailer_code),
            retailer_access = CASE WHEN EXCLUDED.retailer_access = '{}' THEN consents.retailer_access
              ELSE ARRAY(SELECT DISTINCT unnest(consents.retailer_access || EXCLUDED.retailer_access) ORDER BY 1) END,
            last_event_id = EXCLUDED.last_event_id
        )
        -- Data-modifying CTEs run to completion whether or not this answer reads them (PostgreSQL's WITH).
        ${withIds ? sql`SELECT id, transaction_id FROM appended` : sql`SELECT WHERE false`}`.execute(
        executor,
      );
      return withIds ? new Map(inserted.rows.map((r) => [r.transaction_id, r.id])) : undefined;
    },

    findOne: (brandId: number, id: ConsentIdentity) =>
      db
        .selectFrom('consents as c')
        .innerJoin('recipients as r', 'r.recipient_key', 'c.recipient_key')
        .selectAll('c')
        .select(['r.address_enc', 'r.kind'])
        .where('c.brand_id', '=', brandId)
        .where('c.recipient_key', '=', id.recipientKey)
        .where('c.recipient_type', '=', id.recipientType)
        .where('c.type', '=', id.type)
        .executeTakeFirst(),

    /** Which of these blind indexes hold the given status for (brand, recipientType, type). */
    findKeysWithStatus: async (
      brandId: number,
      recipientType: string,
      type: string,
      status: string,
      keys: Buffer[],
    ): Promise<Buffer[]> => {
      if (keys.length === 0) return [];
      const rows = await db
        .selectFrom('consents')
        .select('recipient_key')
        .where(brandOfKeyProbe(brandId))
        .where('recipient_type', '=', recipientType)
        .where('type', '=', type)
        .where('status', '=', status)
        .where(sql<boolean>`recipient_key = ANY(${byteaArray(keys)}::bytea[])`)
        .execute();
      return rows.map((r) => r.recipient_key);
    },

    /** Every consent held for these addresses, across all brands, with the brand and company names. */
    listForRecipients: async (keys: Buffer[]) => {
      if (keys.length === 0) return [];
      return db
        .selectFrom('consents as c')
        .innerJoin('brands as b', 'b.id', 'c.brand_id')
        .innerJoin('providers as p', 'p.id', 'b.provider_id')
        .selectAll('c')
        .select(['b.brand_code', 'b.name as brand_name', 'p.title as company'])
        .where(sql<boolean>`c.recipient_key = ANY(${byteaArray(keys)}::bytea[])`)
        .orderBy('b.name')
        .orderBy('c.type')
        .execute();
    },

    /** A page of a brand's current consents with their sealed addresses, for exports (keyset-paged). */
    listBrandConsents: (
      brandId: number,
      after: { key: Buffer; recipientType: string; type: string } | null,
      limit: number,
    ) => brandConsentsPage(db, brandId, after, limit).execute(),

    /** The movements of one address, oldest first (a person has few; the recipient index finds them). */
    listEventsForRecipient: (recipientKey: Buffer, filter: { brandId?: number; type?: string } = {}) => {
      let query = db
        .selectFrom('consent_events as e')
        .innerJoin('brands as b', 'b.id', 'e.brand_id')
        .selectAll('e')
        .select(['b.brand_code', 'b.name as brand_name'])
        .where('e.recipient_key', '=', recipientKey);
      if (filter.brandId !== undefined) query = query.where('e.brand_id', '=', filter.brandId);
      if (filter.type !== undefined) query = query.where('e.type', '=', filter.type);
      return query.orderBy('e.id').execute();
    },

    findRecipientKind: async (recipientKey: Buffer): Promise<'phone' | 'email' | undefined> =>
      (
        await db
          .selectFrom('recipients')
          .select('kind')
          .where('recipient_key', '=', recipientKey)
          .executeTakeFirst()
      )?.kind,

    findEventById: (id: string) =>
      db.selectFrom('consent_events').selectAll().where('id', '=', id).executeTakeFirst(),

    /** Where a movement stands in its brand's changes feed: (writing transaction, id). */
    findFeedPosition: async (
      brandId: number,
      transactionId: string,
    ): Promise<{ tx: string; id: string } | undefined> =>
      db
        .selectFrom('consent_events')
        .select([sql<string>`tx::text`.as('tx'), 'id'])
        .where('transaction_id', '=', transactionId)
        .where('brand_id', '=', brandId)
        .executeTakeFirst(),

    /**
     * A page of a brand's movements after `after` in feed order — by writing transaction, then id — from
     * one source family, not older than `since`. Only transactions below the log horizon are read, so a
     * movement that commits late is never passed over.
     */
    listEventsAfter: (params: {
      brandId: number;
      after: { tx: string; id: string } | null;
      since: Date;
      registrySources: boolean;
      /** Channels to include (an integrator sees only those it was granted). */
      types: string[];
      limit: number;
    }) =>
      db
        .selectFrom('consent_events as e')
        .innerJoin('recipients as r', 'r.recipient_key', 'e.recipient_key')
        .selectAll('e')
        .select('r.address_enc')
        .where('e.brand_id', '=', params.brandId)
        .where(
          params.after
            ? sql<boolean>`(e.tx, e.id) > (${params.after.tx}::xid8, ${params.after.id}::bigint)`
            : sql<boolean>`true`,
        )
        .where(sql<boolean>`e.tx < ${logHorizon}`)
        .where('e.creation_date', '>=', params.since)
        .where('e.type', 'in', params.types)
        .where(
          params.registrySources
            ? sql<boolean>`e.source LIKE 'IYS\\_%'`
            : sql<boolean>`(e.source IS NULL OR e.source NOT LIKE 'IYS\\_%')`,
        )
        .orderBy('e.tx')
        .orderBy('e.id')
        .limit(params.limit)
        .execute(),
  };
}

/**
 * First key of the two-int advisory locks this module takes (plus the lane); keeps them apart from other
 * lock users.
 */
const ADVISORY_NAMESPACE = 0x1_15;

export type ConsentRepository = ReturnType<typeof createConsentRepository>;
