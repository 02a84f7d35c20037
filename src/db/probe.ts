import { sql } from 'kysely';

/**
 * `brand_id = brandId` written so that no index can serve it, for queries that look rows up by their
 * recipient key. consents_brand_idx leads with the brand and serves a brand's own reads (its export); the
 * planner prefers it whenever its statistics call the brand small — true for every brand written to since
 * the last ANALYZE, above all one being onboarded with millions of rows — and then reads the brand's whole
 * projection once per looked-up key. Through the primary key (recipient key first) a probe costs a few
 * pages whatever the statistics say.
 */
export function brandOfKeyProbe(brandId: number, column = 'brand_id') {
  return sql<boolean>`${sql.ref(column)} + 0 = ${brandId}`;
}
