import { sql, type Kysely, type Transaction } from 'kysely';
import type { HashedEvent } from '../crypto/event-hash.js';
import type { Subtree } from '../crypto/merkle-ranges.js';
import type { PublicJwk } from '../crypto/receipt-signer.js';
import type { Database } from '../db/types.js';
import { logHorizon } from './log-horizon.js';
import { byteaArray } from '../db/binary-array.js';

/** The advisory lock (two ints) held by the one sequencer at work; apart from the write lanes' (0x1_15+). */
const SEQUENCER_LOCK = [0x1_20, 0] as const;

export interface LogPosition {
  tx: string;
  eventId: string;
  treeSize: number;
  /** How far evidence (migration 0035) has been read, in its own (tx, id) order. */
  evidenceTx: string;
  evidenceId: string;
}

export interface SignedHeadRow {
  treeSize: number;
  rootHash: Buffer;
  signedAt: Date;
  kid: string;
  jws: string;
}

/** A batch of events' leaf hashes (32 bytes each, in log order) and where the batch ends. */
export interface EventLeaves {
  count: number;
  hashes: Buffer;
  last?: { tx: string; eventId: string };
}

/** A consent event as a receipt needs it: what its leaf hash commits to, and its leaf once sequenced. */
export type ReceiptEvent = HashedEvent & { id: string; leafIndex: number | null };

const receiptEventColumns = sql`e.id::text AS id, e.transaction_id, e.brand_id, e.recipient_key, e.recipient_type,
  e.type, e.status, e.source, e.consent_date, e.creation_date, e.retailer_code, e.retailer_access, e.actor_kind,
  e.actor_id, (SELECT l.leaf_index::float8 FROM log_leaves l WHERE l.event_id = e.id) AS "leafIndex"`;

const headColumns = sql`tree_size::float8 AS "treeSize", root_hash AS "rootHash", signed_at AS "signedAt", kid, jws`;

export function createTransparencyLogRepository(db: Kysely<Database>) {
  return {
    /** Takes the sequencer's lock for this transaction, or says another sequencer holds it. */
    tryLockSequencer: async (trx: Transaction<Database>): Promise<boolean> => {
      const { rows } = await sql<{ locked: boolean }>`
        SELECT pg_try_advisory_xact_lock(${SEQUENCER_LOCK[0]}, ${SEQUENCER_LOCK[1]}) AS locked`.execute(trx);
      return rows[0]!.locked;
    },

    /** Waits for the sequencer's lock (a key rotation must not interleave with a batch being signed). */
    lockSequencer: async (trx: Transaction<Database>): Promise<void> => {
      await sql`SELECT pg_advisory_xact_lock(${SEQUENCER_LOCK[0]}, ${SEQUENCER_LOCK[1]})`.execute(trx);
    },

    readPosition: async (trx: Transaction<Database>): Promise<LogPosition> => {
      const { rows } = await sql<LogPosition>`
        SELECT tx::text AS tx, event_id::text AS "eventId", tree_size::float8 AS "treeSize",
               evidence_tx::text AS "evidenceTx", evidence_id::text AS "evidenceId" FROM log_cursor`.execute(
        trx,
      );
      return rows[0]!;
    },

    /**
     * The leaf hashes of the events after the position, in (writing transaction, id) order, from
     * transactions below the log horizon only: an event that commits late is never passed over (it would
     * take a lower leaf index). They come as one value, 32 bytes an event, with the last event's place:
     * the sequencer hashes them and needs nothing else of each event (`append` copies the leaves).
     */
    readEventLeavesAfter: async (
      trx: Transaction<Database>,
      after: LogPosition,
      limit: number,
    ): Promise<EventLeaves> => {
      const { rows } = await sql<{
        count: number;
        hashes: Buffer | null;
        tx: string | null;
        id: string | null;
      }>`
        WITH page AS (
          SELECT e.id, e.tx, e.leaf_hash FROM consent_events e
          WHERE (e.tx, e.id) > (${after.tx}::xid8, ${after.eventId}::bigint) AND e.tx < ${logHorizon}
          ORDER BY e.tx, e.id LIMIT ${limit}
        ), last AS (SELECT tx, id FROM page ORDER BY tx DESC, id DESC LIMIT 1)
        SELECT (SELECT count(*)::int FROM page) AS count,
               (SELECT string_agg(leaf_hash, ''::bytea ORDER BY tx, id) FROM page) AS hashes,
               (SELECT tx::text FROM last) AS tx, (SELECT id::text FROM last) AS id`.execute(trx);
      const { count, hashes, tx, id } = rows[0]!;
      if (count === 0) return { count, hashes: Buffer.alloc(0) };
      if (hashes!.length !== count * 32) throw new Error('an event without a 32-byte leaf hash');
      return { count, hashes: hashes!, last: { tx: tx!, eventId: id! } };
    },

    /** Evidence after the position, in the same (writing transaction, id) order and under the same horizon. */
    readEvidenceAfter: async (trx: Transaction<Database>, after: LogPosition, limit: number) =>
      (
        await sql<{ id: string; tx: string; leaf_hash: Buffer }>`
          SELECT v.id::text AS id, v.tx::text AS tx, v.leaf_hash FROM consent_evidence v
          WHERE (v.tx, v.id) > (${after.evidenceTx}::xid8, ${after.evidenceId}::bigint) AND v.tx < ${logHorizon}
          ORDER BY v.tx, v.id LIMIT ${limit}`.execute(trx)
      ).rows,

    /** Complete subtrees' hashes by (level, index); level 0 reads the leaves. */
    readSubtrees: async (executor: Kysely<Database>, subtrees: Subtree[]): Promise<Map<string, Buffer>> => {
      if (subtrees.length === 0) return new Map();
      const { rows } = await sql<{ key: string; hash: Buffer }>`
        SELECT w.level || '/' || w.idx AS key, coalesce(l.leaf_hash, s.hash) AS hash
        FROM unnest(${subtrees.map((s) => s.level)}::smallint[], ${subtrees.map((s) => s.index)}::bigint[])
          AS w(level, idx)
        LEFT JOIN log_leaves l ON w.level = 0 AND l.leaf_index = w.idx
        LEFT JOIN log_subtrees s ON w.level > 0 AND s.level = w.level AND s.node_index = w.idx
        WHERE coalesce(l.leaf_hash, s.hash) IS NOT NULL`.execute(executor);
      return new Map(rows.map((r) => [r.key, r.hash]));
    },

    /** Appends a batch: its leaves, the subtrees they complete, the new head and the cursor, in `trx`. */
    append: async (
      trx: Transaction<Database>,
      batch: {
        /** The events' leaves, copied from the events read: `count` of them after `from`, through `through`. */
        eventLeaves?: {
          from: { tx: string; eventId: string };
          through: { tx: string; eventId: string };
          firstIndex: number;
          count: number;
        };
        /** Other leaves (evidence), given one by one. */
        leaves: { index: number; eventId: string | null; evidenceId: string | null; hash: Buffer }[];
        subtrees: { level: number; index: number; hash: Buffer }[];
        head: SignedHeadRow;
        position: LogPosition;
      },
    ): Promise<void> => {
      const { eventLeaves, leaves, subtrees, head, position } = batch;
      if (eventLeaves) {
        // The events read (readEventLeavesAfter): every transaction in the range had ended by then, below the
        // horizon, so the range holds the same events now. Should one have gone meanwhile, nothing is kept.
        const { from, through, firstIndex, count } = eventLeaves;
        const copied = await sql`
          INSERT INTO log_leaves (leaf_index, event_id, evidence_id, leaf_hash)
          SELECT ${firstIndex - 1}::bigint + row_number() OVER (ORDER BY e.tx, e.id), e.id, NULL, e.leaf_hash
          FROM consent_events e
          WHERE (e.tx, e.id) > (${from.tx}::xid8, ${from.eventId}::bigint)
            AND (e.tx, e.id) <= (${through.tx}::xid8, ${through.eventId}::bigint)`.execute(trx);
        if (copied.numAffectedRows !== BigInt(count))
          throw new Error(
            `the log's batch changed while it was sequenced (${copied.numAffectedRows} of ${count})`,
          );
      }
      if (leaves.length > 0) {
        await sql`
          INSERT INTO log_leaves (leaf_index, event_id, evidence_id, leaf_hash)
          SELECT * FROM unnest(${leaves.map((l) => l.index)}::bigint[], ${leaves.map((l) => l.eventId)}::bigint[],
                               ${leaves.map((l) => l.evidenceId)}::bigint[], ${byteaArray(leaves.map((l) => l.hash))}::bytea[])`.execute(
          trx,
        );
      }
      if (subtrees.length > 0) {
        await sql`
          INSERT INTO log_subtrees (level, node_index, hash)
          SELECT * FROM unnest(${subtrees.map((s) => s.level)}::smallint[], ${subtrees.map((s) => s.index)}::bigint[],
                               ${byteaArray(subtrees.map((s) => s.hash))}::bytea[])`.execute(trx);
      }
      await sql`
        INSERT INTO log_heads (tree_size, root_hash, signed_at, kid, jws)
        VALUES (${head.treeSize}, ${head.rootHash}, ${head.signedAt}, ${head.kid}, ${head.jws})`.execute(trx);
      await sql`
        UPDATE log_cursor SET tx = ${position.tx}::xid8, event_id = ${position.eventId}::bigint,
                              tree_size = ${position.treeSize}, evidence_tx = ${position.evidenceTx}::xid8,
                              evidence_id = ${position.evidenceId}::bigint`.execute(trx);
    },

    /** The version that signs new heads, or undefined before the first key was published. */
    currentKeyVersion: async (trx: Transaction<Database>): Promise<number | undefined> =>
      (await sql<{ version: number | null }>`SELECT max(version) AS version FROM log_keys`.execute(trx))
        .rows[0]?.version ?? undefined,

    /** Publishes a key version (a no-op when another process published it first). */
    publishKey: async (executor: Kysely<Database>, version: number, jwk: PublicJwk): Promise<void> => {
      await sql`
        INSERT INTO log_keys (version, kid, jwk) VALUES (${version}, ${jwk.kid}, ${JSON.stringify(jwk)}::jsonb)
        ON CONFLICT (version) DO NOTHING`.execute(executor);
    },

    /** Every published key, the one signing new heads first. */
    publishedKeys: async (): Promise<Array<{ version: number; jwk: PublicJwk }>> =>
      (
        await sql<{ version: number; jwk: PublicJwk }>`
          SELECT version, jwk FROM log_keys ORDER BY version DESC`.execute(db)
      ).rows,

    /** An event by its transaction id (a receipt's key), within one brand when given. */
    findEventByTransaction: async (
      transactionId: string,
      brandId?: number,
    ): Promise<ReceiptEvent | undefined> =>
      (
        await sql<ReceiptEvent>`
          SELECT ${receiptEventColumns} FROM consent_events e
          WHERE e.transaction_id = ${transactionId}
            ${brandId === undefined ? sql`` : sql`AND e.brand_id = ${brandId}`}`.execute(db)
      ).rows[0],

    findEvent: async (eventId: string): Promise<ReceiptEvent | undefined> =>
      (
        await sql<ReceiptEvent>`
          SELECT ${receiptEventColumns} FROM consent_events e WHERE e.id = ${eventId}::bigint`.execute(db)
      ).rows[0],

    /** The smallest signed head at or above a size (what a receipt's proof is made against). */
    headCovering: async (treeSize: number): Promise<SignedHeadRow | undefined> =>
      (
        await sql<SignedHeadRow>`
          SELECT ${headColumns} FROM log_heads WHERE tree_size >= ${treeSize}
          ORDER BY tree_size LIMIT 1`.execute(db)
      ).rows[0],

    recordAudit: async (report: { leaves: number; heads: number; problems: string[]; unlisted: number }) => {
      await sql`
        INSERT INTO log_audits (leaves, heads, problems, unlisted)
        VALUES (${report.leaves}, ${report.heads}, ${JSON.stringify(report.problems)}::jsonb, ${report.unlisted})`.execute(
        db,
      );
    },

    latestAudit: async (): Promise<
      { finishedAt: Date; leaves: number; heads: number; problems: string[]; unlisted: number } | undefined
    > =>
      (
        await sql<{ finishedAt: Date; leaves: number; heads: number; problems: string[]; unlisted: number }>`
          SELECT finished_at AS "finishedAt", leaves::float8 AS leaves, heads::float8 AS heads, problems,
                 unlisted::float8 AS unlisted
          FROM log_audits ORDER BY id DESC LIMIT 1`.execute(db)
      ).rows[0],

    /** Committed events the sequencer has not reached yet (what a lagging log looks like). */
    countUnsequenced: async (): Promise<number> =>
      (
        await sql<{ n: number }>`
          SELECT count(*)::float8 AS n FROM consent_events e, log_cursor c
          WHERE (e.tx, e.id) > (c.tx, c.event_id)`.execute(db)
      ).rows[0]!.n,

    latestHead: async (): Promise<SignedHeadRow | undefined> =>
      (
        await sql<SignedHeadRow>`SELECT ${headColumns} FROM log_heads ORDER BY tree_size DESC LIMIT 1`.execute(
          db,
        )
      ).rows[0],

    /**
     * The first leaf with this hash. Materialised first so the hash index finds it: asked as "ORDER BY
     * leaf_index LIMIT 1", the planner walks the primary key from leaf 0 and filters (a scan of the whole
     * log for a recent leaf).
     */
    findLeafIndex: async (leafHash: Buffer): Promise<number | undefined> =>
      (
        await sql<{ index: number | null }>`
          WITH found AS MATERIALIZED (SELECT leaf_index FROM log_leaves WHERE leaf_hash = ${leafHash})
          SELECT min(leaf_index)::float8 AS index FROM found`.execute(db)
      ).rows[0]?.index ?? undefined,

    /** Leaves [start, end). */
    entries: async (start: number, end: number) =>
      (
        await sql<{ leafIndex: number; leafHash: Buffer }>`
          SELECT leaf_index::float8 AS "leafIndex", leaf_hash AS "leafHash" FROM log_leaves
          WHERE leaf_index >= ${start} AND leaf_index < ${end} ORDER BY leaf_index`.execute(db)
      ).rows,
  };
}

export type TransparencyLogRepository = ReturnType<typeof createTransparencyLogRepository>;
