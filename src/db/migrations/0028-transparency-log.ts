import { sql, type Kysely } from 'kysely';

/**
 * The transparency log (issue 12): every consent event becomes a leaf of an RFC 9162 Merkle tree, in an
 * order fixed once assigned, and signed tree heads commit to it. The log keeps every complete subtree's
 * hash (level 0: the leaves), so a proof reads O(log n) rows. Everything here is append-only like the
 * event log; only the sequencer's cursor moves.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE log_leaves (
      leaf_index  bigint PRIMARY KEY,
      event_id    bigint NOT NULL,
      leaf_hash   bytea NOT NULL
    );
    -- Inclusion proofs are asked for by leaf hash; receipts by the event.
    CREATE INDEX log_leaves_hash_idx ON log_leaves USING hash (leaf_hash);
    CREATE INDEX log_leaves_event_idx ON log_leaves (event_id);

    CREATE TABLE log_subtrees (
      level       smallint NOT NULL CHECK (level >= 1),
      node_index  bigint NOT NULL,
      hash        bytea NOT NULL,
      PRIMARY KEY (level, node_index)
    );

    CREATE TABLE log_heads (
      tree_size   bigint PRIMARY KEY,
      root_hash   bytea NOT NULL,
      signed_at   timestamptz NOT NULL,
      kid         text NOT NULL,
      jws         text NOT NULL
    );

    -- How far the sequencer has read the event log, in the (tx, id) order of the other log readers.
    CREATE TABLE log_cursor (
      only_row  boolean PRIMARY KEY DEFAULT true CHECK (only_row),
      tx        xid8 NOT NULL,
      event_id  bigint NOT NULL,
      tree_size bigint NOT NULL
    );
    INSERT INTO log_cursor (tx, event_id, tree_size) VALUES ('0'::xid8, 0, 0);

    -- The sequencer reads every event in (tx, id) order, up to the log horizon (repositories/log-horizon.ts).
    CREATE INDEX consent_events_log_idx ON consent_events (tx, id);

    CREATE TRIGGER log_leaves_no_update_or_delete BEFORE UPDATE OR DELETE ON log_leaves
      FOR EACH ROW EXECUTE FUNCTION append_only();
    CREATE TRIGGER log_subtrees_no_update_or_delete BEFORE UPDATE OR DELETE ON log_subtrees
      FOR EACH ROW EXECUTE FUNCTION append_only();
    CREATE TRIGGER log_heads_no_update_or_delete BEFORE UPDATE OR DELETE ON log_heads
      FOR EACH ROW EXECUTE FUNCTION append_only();
    CREATE TRIGGER log_leaves_no_truncate BEFORE TRUNCATE ON log_leaves
      FOR EACH STATEMENT EXECUTE FUNCTION append_only();
    CREATE TRIGGER log_subtrees_no_truncate BEFORE TRUNCATE ON log_subtrees
      FOR EACH STATEMENT EXECUTE FUNCTION append_only();
    CREATE TRIGGER log_heads_no_truncate BEFORE TRUNCATE ON log_heads
      FOR EACH STATEMENT EXECUTE FUNCTION append_only();
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP INDEX consent_events_log_idx;
    DROP TABLE log_cursor, log_heads, log_subtrees, log_leaves;
  `.execute(db);
}
