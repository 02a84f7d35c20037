import { sql, type Kysely } from 'kysely';
import { brandOfKeyProbe } from '../db/probe.js';
import type { Database } from '../db/types.js';

export interface ConsentStateRow {
  recipient_key: Buffer;
  brand_id: number;
  recipient_type: string;
  type: string;
  status: string;
  since: number;
}

const SNAPSHOT_PAGE = 50_000;

/** Gateway accounts, the consent state the check index is built from, and its change stream. */
export function createGatewayRepository(db: Kysely<Database>) {
  return {
    insertAccount: (row: {
      name: string;
      channels: string[];
      username: string;
      password_hash: string;
      token_hash: Buffer;
      sees_detail: boolean;
      closes_lines: boolean;
    }) => db.insertInto('gateway_accounts').values(row).returning(['id', 'name']).executeTakeFirstOrThrow(),

    addCheckCounts: (day: string, allowed: number, blocked: number) =>
      sql`
        INSERT INTO gateway_check_days (day, allowed, blocked) VALUES (${day}::date, ${allowed}, ${blocked})
        ON CONFLICT (day) DO UPDATE SET allowed = gateway_check_days.allowed + EXCLUDED.allowed,
                                        blocked = gateway_check_days.blocked + EXCLUDED.blocked`.execute(db),

    insertAlert: (alert: {
      accountId: number;
      kind: 'range-scan';
      at: Date;
      details: Record<string, unknown>;
    }) =>
      db
        .insertInto('gateway_alerts')
        .values({
          account_id: alert.accountId,
          kind: alert.kind,
          detected_at: alert.at,
          details: JSON.stringify(alert.details),
        })
        .execute(),

    /** The latest alerts with the account's name, newest first. */
    listAlerts: (limit: number) =>
      db
        .selectFrom('gateway_alerts as a')
        .innerJoin('gateway_accounts as g', 'g.id', 'a.account_id')
        .select([
          'a.id',
          'a.kind',
          'a.detected_at',
          'a.details',
          'g.id as account_id',
          'g.name as account_name',
        ])
        .orderBy('a.detected_at', 'desc')
        .limit(limit)
        .execute(),

    findAccountByUsername: (username: string) =>
      db
        .selectFrom('gateway_accounts')
        .select(['id', 'name', 'channels', 'sees_detail', 'closes_lines', 'password_hash'])
        .where('username', '=', username)
        .where('revoked_at', 'is', null)
        .executeTakeFirst(),

    findAccountByToken: (tokenHash: Buffer) =>
      db
        .selectFrom('gateway_accounts')
        .select(['id', 'name', 'channels', 'sees_detail', 'closes_lines'])
        .where('token_hash', '=', tokenHash)
        .where('revoked_at', 'is', null)
        .executeTakeFirst(),

    /** The whole projection, page by page in primary-key order, to build the index at start. */
    async *streamConsentStates(): AsyncGenerator<ConsentStateRow[]> {
      let after: ConsentStateRow | undefined;
      for (;;) {
        const page = await sql<ConsentStateRow>`
          SELECT recipient_key, brand_id, recipient_type, type, status,
                 floor(extract(epoch FROM consent_date))::float8 AS since
          FROM consents
          WHERE ${after ? sql`(recipient_key, brand_id, recipient_type, type) > (${after.recipient_key}, ${after.brand_id}, ${after.recipient_type}, ${after.type})` : sql`true`}
          ORDER BY recipient_key, brand_id, recipient_type, type
          LIMIT ${SNAPSHOT_PAGE}`.execute(db);
        if (page.rows.length === 0) return;
        yield page.rows;
        after = page.rows.at(-1);
      }
    },

    /** Current state for many addresses of one brand and channel, both recipient types, in one query. */
    findStates: async (brandId: number, type: string, keys: Buffer[]): Promise<ConsentStateRow[]> => {
      if (keys.length === 0) return [];
      const result = await sql<ConsentStateRow>`
        SELECT recipient_key, brand_id, recipient_type, type, status,
               floor(extract(epoch FROM consent_date))::float8 AS since
        FROM consents
        WHERE ${brandOfKeyProbe(brandId)} AND type = ${type} AND recipient_key = ANY(${keys}::bytea[])`.execute(
        db,
      );
      return result.rows;
    },

    /**
     * Consent movements recorded since `since`, page by page in event order: what a listener that lost its
     * connection may have missed. The BRIN index on creation_date keeps it a short range scan.
     */
    async *streamChangesSince(since: Date): AsyncGenerator<ConsentStateRow[]> {
      let afterId = '0';
      for (;;) {
        const page = await sql<ConsentStateRow & { id: string }>`
          SELECT id, recipient_key, brand_id, recipient_type, type, status,
                 floor(extract(epoch FROM consent_date))::float8 AS since
          FROM consent_events
          WHERE creation_date >= ${since} AND id > ${afterId}
          ORDER BY id
          LIMIT ${SNAPSHOT_PAGE}`.execute(db);
        if (page.rows.length === 0) return;
        yield page.rows;
        afterId = page.rows.at(-1)!.id;
      }
    },
  };
}

export type GatewayRepository = ReturnType<typeof createGatewayRepository>;
