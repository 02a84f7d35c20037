import { sql, type Kysely } from 'kysely';

/**
 * Retailers (bayi) of a brand and their access to consents. A consent's access list lives on the projection
 * (`consents.retailer_access`), which the access endpoints change; `linked` remembers that a retailer was
 * ever attached to a consent, after which it may never be deleted (iys-api.md §3.4).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE retailers (
      id             serial PRIMARY KEY,
      retailer_code  integer NOT NULL UNIQUE,
      brand_id       integer NOT NULL REFERENCES brands (id),
      title          text NOT NULL,
      alias          text,
      mersis         text,
      name_enc       bytea NOT NULL,
      tckn_key       bytea NOT NULL,
      tckn_enc       bytea NOT NULL,
      mobile_enc     bytea,
      city_code      text NOT NULL,
      city_name      text NOT NULL,
      town_code      text NOT NULL,
      town_name      text NOT NULL,
      status         text NOT NULL CHECK (status IN ('active', 'passive', 'pending')),
      linked         boolean NOT NULL DEFAULT false,
      created_at     timestamptz NOT NULL DEFAULT now()
    );
    CREATE UNIQUE INDEX retailers_identity_idx ON retailers (brand_id, tckn_key, coalesce(mersis, ''));
    CREATE INDEX retailers_brand_idx ON retailers (brand_id, id);

    -- Only consents shared with retailers are indexed: the others (almost all) cost the ingest nothing.
    CREATE INDEX consents_retailer_access_idx ON consents USING gin (retailer_access)
      WHERE retailer_access <> '{}';
    CREATE INDEX consents_retailer_code_idx ON consents (retailer_code) WHERE retailer_code IS NOT NULL;

    ALTER TABLE portal_users ADD COLUMN retailer_id integer REFERENCES retailers (id);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE portal_users DROP COLUMN retailer_id;
    DROP INDEX consents_retailer_code_idx, consents_retailer_access_idx;
    DROP TABLE retailers;
  `.execute(db);
}
