import { sql, type Kysely } from 'kysely';

/**
 * The citizen side: accounts with verified addresses, one-time-code challenges, sessions, the message
 * outbox, pending consent notices (coalesced per recipient) and complaints. Addresses appear only as blind
 * indexes (the ciphertext lives in recipients); message bodies and complaint texts are encrypted too.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE citizens (
      id          uuid PRIMARY KEY,
      created_at  timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE citizen_addresses (
      citizen_id     uuid NOT NULL REFERENCES citizens (id) ON DELETE CASCADE,
      recipient_key  bytea NOT NULL REFERENCES recipients (recipient_key),
      verified_at    timestamptz NOT NULL,
      PRIMARY KEY (citizen_id, recipient_key)
    );
    CREATE INDEX citizen_addresses_recipient_idx ON citizen_addresses (recipient_key);

    -- A one-time code is kept only as an HMAC bound to its challenge id.
    CREATE TABLE otp_challenges (
      id             uuid PRIMARY KEY,
      purpose        text NOT NULL CHECK (purpose IN ('sign-in', 'add-address')),
      citizen_id     uuid REFERENCES citizens (id) ON DELETE CASCADE,
      recipient_key  bytea NOT NULL REFERENCES recipients (recipient_key),
      code_hash      bytea NOT NULL,
      attempts       integer NOT NULL DEFAULT 0,
      expires_at     timestamptz NOT NULL,
      consumed_at    timestamptz,
      created_at     timestamptz NOT NULL
    );
    CREATE INDEX otp_challenges_recipient_idx ON otp_challenges (recipient_key, created_at);

    CREATE TABLE citizen_sessions (
      token_hash   bytea PRIMARY KEY,
      citizen_id   uuid NOT NULL REFERENCES citizens (id) ON DELETE CASCADE,
      csrf_token   text NOT NULL,
      expires_at   timestamptz NOT NULL,
      created_at   timestamptz NOT NULL DEFAULT now()
    );

    -- Every SMS and e-mail leaves through here, written in the same transaction as its cause.
    CREATE TABLE outbox_messages (
      id             uuid PRIMARY KEY,
      channel        text NOT NULL CHECK (channel IN ('sms', 'email')),
      recipient_key  bytea NOT NULL REFERENCES recipients (recipient_key),
      purpose        text NOT NULL,
      subject_enc    bytea,
      body_enc       bytea NOT NULL,
      status         text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
      attempts       integer NOT NULL DEFAULT 0,
      last_error     text,
      created_at     timestamptz NOT NULL,
      sent_at        timestamptz
    );
    CREATE INDEX outbox_messages_pending_idx ON outbox_messages (created_at) WHERE status = 'pending';

    -- ONAYs recorded by providers for individuals, waiting to be told to the recipient in one message.
    -- Written on the ingest path, so without foreign keys, like consent_events.
    CREATE TABLE consent_notifications (
      id             bigserial PRIMARY KEY,
      event_id       bigint NOT NULL,
      recipient_key  bytea NOT NULL,
      brand_id       integer NOT NULL,
      type           text NOT NULL,
      created_at     timestamptz NOT NULL,
      message_id     uuid
    );
    CREATE INDEX consent_notifications_pending_idx ON consent_notifications (recipient_key) WHERE message_id IS NULL;

    CREATE TABLE complaints (
      id               uuid PRIMARY KEY,
      citizen_id       uuid NOT NULL REFERENCES citizens (id),
      brand_id         integer NOT NULL REFERENCES brands (id),
      recipient_key    bytea NOT NULL REFERENCES recipients (recipient_key),
      type             text NOT NULL,
      received_at      timestamptz NOT NULL,
      message_enc      bytea NOT NULL,
      screenshot_enc   bytea,
      screenshot_type  text,
      evidence         jsonb NOT NULL,
      verdict          text NOT NULL,
      status           text NOT NULL DEFAULT 'received',
      created_at       timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX complaints_citizen_idx ON complaints (citizen_id, created_at);
    CREATE INDEX complaints_created_idx ON complaints (created_at);

    -- Registry staff credentials for the regulator API (hashes only).
    CREATE TABLE regulator_keys (
      key_hash    bytea PRIMARY KEY,
      name        text NOT NULL,
      created_at  timestamptz NOT NULL DEFAULT now(),
      revoked_at  timestamptz
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE regulator_keys, complaints, consent_notifications, outbox_messages, citizen_sessions,
      otp_challenges, citizen_addresses, citizens;
  `.execute(db);
}
