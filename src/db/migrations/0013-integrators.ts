import { sql, type Kysely } from 'kysely';

/**
 * Integrators (iş ortağı): a provider lets another registered company act for one of its brands, per
 * channel and for reconciliation. The integrator's own API users then call the provider's /sps/… paths
 * within exactly those rights.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE integrator_grants (
      brand_id                integer NOT NULL REFERENCES brands (id),
      integrator_provider_id  integer NOT NULL REFERENCES providers (id),
      arama                   boolean NOT NULL,
      mesaj                   boolean NOT NULL,
      eposta                  boolean NOT NULL,
      reconciliation          boolean NOT NULL,
      created_at              timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (brand_id, integrator_provider_id)
    );
    CREATE INDEX integrator_grants_integrator_idx ON integrator_grants (integrator_provider_id);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE integrator_grants`.execute(db);
}
