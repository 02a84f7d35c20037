import { sql, type Kysely } from 'kysely';

/**
 * The registry's evidence: the serving role may read and append, never change or remove a row. (Their
 * triggers refuse it too; a role without the privilege cannot switch a trigger off, only the owner can.)
 */
export const APPEND_ONLY_TABLES = [
  'consent_events',
  'consent_evidence',
  'complaint_answers',
  'purged_leaves',
  'audit_log',
  'log_leaves',
  'log_subtrees',
  'log_heads',
  'log_keys',
] as const;
/** Kysely's record of applied migrations: the owner's business alone. */
const MIGRATION_TABLES = ['kysely_migration', 'kysely_migration_lock'] as const;

/** The role the embedded database serves as; the superuser only migrates. */
export const EMBEDDED_SERVING_ROLE = 'openiys_app';

const list = (names: readonly string[]) => sql.join(names.map((name) => sql.id(name)));

/**
 * Creates (or re-keys) a login role with no privilege of its own: not a superuser, cannot create roles or
 * databases, inherits nothing. Run by a superuser (the embedded database's).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- role statements need no schema type
export async function ensureLoginRole(db: Kysely<any>, role: string, password: string): Promise<void> {
  const attributes = sql`LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION NOBYPASSRLS`;
  const { rows } = await sql<{ exists: boolean }>`
    SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ${role}) AS exists`.execute(db);
  const verb = rows[0]!.exists ? sql`ALTER ROLE` : sql`CREATE ROLE`;
  await sql`${verb} ${sql.id(role)} ${attributes} PASSWORD ${sql.lit(password)}`.execute(db);
}

/**
 * Gives the serving role exactly what the application uses, run by the owner after every migration (new
 * tables included): reading and writing rows, never TRUNCATE, never UPDATE or DELETE of the evidence, no
 * DDL, nothing of the migration records. The job queue (pg-boss) lives in its own schema, installed by the
 * owner; its tables are plain rows to the server.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- grants need no schema type
export async function grantServingRole(db: Kysely<any>, role: string): Promise<void> {
  const to = sql.id(role);
  await sql`
    GRANT USAGE ON SCHEMA public, pgboss TO ${to};
    REVOKE CREATE ON SCHEMA public FROM ${to};
    GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public, pgboss TO ${to};
    GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public, pgboss TO ${to};
    REVOKE UPDATE, DELETE, TRUNCATE ON ${list(APPEND_ONLY_TABLES)} FROM ${to};
    REVOKE ALL ON ${list(MIGRATION_TABLES)} FROM ${to};
  `.execute(db);
}

/** Whether `role` could rewrite history: a superuser, or the owner of an append-only table. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- catalog queries need no schema type
export async function canRewriteEvidence(db: Kysely<any>): Promise<boolean> {
  const { rows } = await sql<{ privileged: boolean }>`
    SELECT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
        OR EXISTS (SELECT 1 FROM pg_tables
                   WHERE schemaname = 'public' AND tablename IN (${sql.join([...APPEND_ONLY_TABLES])})
                     AND tableowner = current_user) AS privileged`.execute(db);
  return rows[0]!.privileged;
}
