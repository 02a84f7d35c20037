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

/**
 * The sealed address of the recipient in `column`, read for each row the query returns, through the
 * recipients' primary key. Joined instead, a paged read lets the planner merge or hash the recipients'
 * whole index up to the page's cursor on every page: an export of 1,000,000 consents read ~500,000
 * recipients for a page from its middle (1.9 s), so paging grew with the square of the registry.
 */
export function addressOfRecipient(column: string) {
  return sql<Buffer>`(SELECT r.address_enc FROM recipients r WHERE r.recipient_key = ${sql.ref(column)})`;
}
