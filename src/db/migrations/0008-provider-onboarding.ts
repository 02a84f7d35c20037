import { sql, type Kysely } from 'kysely';

/**
 * Onboarding: applications from companies and sole traders, the codes handed out on approval, and the
 * provider portal's users, invitations and sessions. Identity numbers, addresses and e-mail addresses are
 * stored encrypted; the blind indexes beside them find duplicates without decrypting anything.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- iysCodes and brandCodes handed out on approval; one sequence, so no code names both a provider and a
    -- brand. Codes taken by hand (CLI, sandbox) are skipped when the sequence reaches them.
    CREATE SEQUENCE registry_code_seq START 800001;

    ALTER TABLE providers ADD COLUMN tax_id_key bytea UNIQUE;

    CREATE TABLE provider_applications (
      id                    uuid PRIMARY KEY,
      kind                  text NOT NULL CHECK (kind IN ('TUZEL', 'GERCEK')),
      title                 text NOT NULL,
      -- VKN for a legal entity, TCKN for a natural person: the number the provider is known by.
      tax_id_key            bytea NOT NULL,
      tax_id_enc            bytea NOT NULL,
      mersis_enc            bytea,
      tax_office            text NOT NULL,
      invoice_address_enc   bytea NOT NULL,
      email_key             bytea NOT NULL,
      email_enc             bytea NOT NULL,
      contact_name_enc      bytea NOT NULL,
      contact_tckn_enc      bytea NOT NULL,
      agreement_enc         bytea NOT NULL,
      agreement_sha256      bytea NOT NULL,
      agreement_bytes       integer NOT NULL,
      status                text NOT NULL DEFAULT 'pending'
                              CHECK (status IN ('pending', 'approved', 'rejected')),
      submitted_at          timestamptz NOT NULL,
      decided_at            timestamptz,
      decided_by            text,
      rejection_reason      text,
      provider_id           integer REFERENCES providers (id)
    );
    ALTER TABLE provider_applications ALTER COLUMN agreement_enc SET STORAGE EXTERNAL;
    -- One open application per tax number; a rejected one may be followed by a new one.
    CREATE UNIQUE INDEX provider_applications_open_idx ON provider_applications (tax_id_key)
      WHERE status = 'pending';
    CREATE INDEX provider_applications_status_idx ON provider_applications (status, submitted_at);

    CREATE TABLE portal_users (
      id                 serial PRIMARY KEY,
      provider_id        integer NOT NULL REFERENCES providers (id),
      email_key          bytea NOT NULL UNIQUE,
      email_enc          bytea NOT NULL,
      name               text NOT NULL,
      role               text NOT NULL CHECK (role IN ('admin', 'operator', 'readonly')),
      password_hash      text,
      totp_secret_enc    bytea,
      failed_sign_ins    integer NOT NULL DEFAULT 0,
      locked_until       timestamptz,
      disabled_at        timestamptz,
      created_at         timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX portal_users_provider_idx ON portal_users (provider_id);

    -- One-time links to set a password (invitation or reset); only a hash of the token is stored.
    CREATE TABLE portal_invitations (
      token_hash      bytea PRIMARY KEY,
      portal_user_id  integer NOT NULL REFERENCES portal_users (id) ON DELETE CASCADE,
      expires_at      timestamptz NOT NULL,
      used_at         timestamptz,
      created_at      timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE portal_sessions (
      token_hash      bytea PRIMARY KEY,
      portal_user_id  integer NOT NULL REFERENCES portal_users (id) ON DELETE CASCADE,
      csrf_token      text NOT NULL,
      expires_at      timestamptz NOT NULL,
      created_at      timestamptz NOT NULL DEFAULT now()
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE portal_sessions, portal_invitations, portal_users, provider_applications;
    ALTER TABLE providers DROP COLUMN tax_id_key;
    DROP SEQUENCE registry_code_seq;
  `.execute(db);
}
