import { sql, type Kysely } from 'kysely';

/**
 * Retention (issue 14, KVKK). Consents that ended in a refusal are kept for the legal period after the
 * refusal took effect, then purged with their whole history and evidence; only non-personal counts stay
 * (`retention_runs`) and the transparency log's leaf hashes (`purged_leaves` names the leaves whose record
 * is gone on purpose, so the log stays verifiable and the audit tells a purge from a deletion).
 *
 * The append-only tables refuse deletion to everyone; `purge_ended_consents` (SECURITY DEFINER, owned by
 * the database owner) is the one way past that: it turns the guard off for its own transaction only, and
 * refuses to purge refusals younger than a year, whatever it is asked.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE purged_leaves (
      leaf_index  bigint PRIMARY KEY,
      purged_at   timestamptz NOT NULL DEFAULT now()
    );
    CREATE TRIGGER purged_leaves_no_update_or_delete BEFORE UPDATE OR DELETE ON purged_leaves
      FOR EACH ROW EXECUTE FUNCTION append_only();

    CREATE TABLE retention_runs (
      id        bigserial PRIMARY KEY,
      ran_at    timestamptz NOT NULL DEFAULT now(),
      kind      text NOT NULL,
      brand_id  integer,
      rows      integer NOT NULL
    );
    CREATE INDEX retention_runs_ran_idx ON retention_runs (ran_at);

    CREATE OR REPLACE FUNCTION consent_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'DELETE' AND current_setting('openiys.purging', true) = 'on' THEN RETURN OLD; END IF;
      RAISE EXCEPTION 'consent_events is append-only (% refused)', TG_OP;
    END $$;
    CREATE OR REPLACE FUNCTION append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'DELETE' AND TG_TABLE_NAME = 'consent_evidence'
         AND current_setting('openiys.purging', true) = 'on' THEN RETURN OLD; END IF;
      RAISE EXCEPTION '% is append-only (% refused)', TG_TABLE_NAME, TG_OP;
    END $$;

    -- Purges up to max_identities consents whose RET took effect more than older_than ago, every movement
    -- and piece of evidence of each, in one transaction; returns what it removed per brand.
    CREATE FUNCTION purge_ended_consents(older_than interval, max_identities integer)
      RETURNS TABLE (brand_id integer, consents bigint, events bigint, evidence bigint)
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
    BEGIN
      IF older_than < interval '365 days' THEN
        RAISE EXCEPTION 'refusals are kept at least 365 days (asked: %)', older_than;
      END IF;
      PERFORM set_config('openiys.purging', 'on', true);
      CREATE TEMP TABLE doomed ON COMMIT DROP AS
        SELECT c.recipient_key, c.brand_id, c.recipient_type, c.type FROM consents c
        WHERE c.status = 'RET' AND c.consent_date < now() - older_than
          -- Only a history the log holds whole: its leaves stay as the proof that it existed.
          AND NOT EXISTS (
            SELECT 1 FROM consent_events e
            WHERE (e.recipient_key, e.brand_id, e.recipient_type, e.type) = (c.recipient_key, c.brand_id, c.recipient_type, c.type)
              AND NOT EXISTS (SELECT 1 FROM log_leaves l WHERE l.event_id = e.id))
        LIMIT max_identities
        FOR UPDATE OF c SKIP LOCKED;
      CREATE TEMP TABLE doomed_events ON COMMIT DROP AS
        SELECT e.id, e.brand_id FROM consent_events e JOIN doomed d
          ON (e.recipient_key, e.brand_id, e.recipient_type, e.type) = (d.recipient_key, d.brand_id, d.recipient_type, d.type);
      CREATE TEMP TABLE doomed_evidence ON COMMIT DROP AS
        SELECT v.id, v.brand_id FROM consent_evidence v JOIN doomed_events e ON e.id = v.event_id;

      INSERT INTO purged_leaves (leaf_index)
        SELECT l.leaf_index FROM log_leaves l WHERE l.event_id IN (SELECT id FROM doomed_events)
        UNION ALL
        SELECT l.leaf_index FROM log_leaves l WHERE l.evidence_id IN (SELECT id FROM doomed_evidence);
      DELETE FROM consent_evidence WHERE id IN (SELECT id FROM doomed_evidence);
      DELETE FROM consent_notifications WHERE event_id IN (SELECT id FROM doomed_events);
      DELETE FROM webhook_deliveries WHERE event_id IN (SELECT id FROM doomed_events);
      DELETE FROM consent_events WHERE id IN (SELECT id FROM doomed_events);
      DELETE FROM consents c USING doomed d
        WHERE (c.recipient_key, c.brand_id, c.recipient_type, c.type) = (d.recipient_key, d.brand_id, d.recipient_type, d.type);
      -- An address nothing refers to any more is forgotten.
      DELETE FROM recipients r
        WHERE r.recipient_key IN (SELECT recipient_key FROM doomed)
          AND NOT EXISTS (SELECT 1 FROM consents c WHERE c.recipient_key = r.recipient_key)
          AND NOT EXISTS (SELECT 1 FROM consent_events e WHERE e.recipient_key = r.recipient_key)
          AND NOT EXISTS (SELECT 1 FROM citizen_addresses a WHERE a.recipient_key = r.recipient_key)
          AND NOT EXISTS (SELECT 1 FROM complaints p WHERE p.recipient_key = r.recipient_key)
          AND NOT EXISTS (SELECT 1 FROM otp_challenges o WHERE o.recipient_key = r.recipient_key)
          AND NOT EXISTS (SELECT 1 FROM outbox_messages m WHERE m.recipient_key = r.recipient_key)
          AND NOT EXISTS (SELECT 1 FROM iys_yolu_requests y WHERE y.recipient_key = r.recipient_key);

      RETURN QUERY
        SELECT d.brand_id, count(*),
               (SELECT count(*) FROM doomed_events e WHERE e.brand_id = d.brand_id),
               (SELECT count(*) FROM doomed_evidence v WHERE v.brand_id = d.brand_id)
        FROM doomed d GROUP BY d.brand_id;
    END $$;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP FUNCTION purge_ended_consents(interval, integer);
    CREATE OR REPLACE FUNCTION append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION '% is append-only (% refused)', TG_TABLE_NAME, TG_OP;
    END $$;
    CREATE OR REPLACE FUNCTION consent_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'consent_events is append-only (% refused)', TG_OP;
    END $$;
    DROP TABLE retention_runs, purged_leaves;
  `.execute(db);
}
