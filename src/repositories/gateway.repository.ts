import { sql, type Kysely } from 'kysely';
import { byteaArray } from '../db/binary-array.js';
import { brandOfKeyProbe } from '../db/probe.js';
import type { Database } from '../db/types.js';
import { logHorizon } from './log-horizon.js';

export interface ConsentStateRow {
  recipient_key: Buffer;
  brand_id: number;
  recipient_type: string;
  type: string;
  status: string;
  since: number;
}

const SNAPSHOT_PAGE = 50_000;

/** A consent's state as the check index keeps it, from `consents` or `consent_events`: its date in seconds. */
const STATE_COLUMNS = sql`recipient_key, brand_id, recipient_type, type, status,
  floor(extract(epoch FROM consent_date))::float8 AS since`;

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
          SELECT ${STATE_COLUMNS}
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
        SELECT ${STATE_COLUMNS}
        FROM consents
        WHERE ${brandOfKeyProbe(brandId)} AND type = ${type} AND recipient_key = ANY(${byteaArray(keys)}::bytea[])`.execute(
        db,
      );
      return result.rows;
    },

    /**
     * Where a reader of the log may move its cursor to: every event below it has committed or never will
     * (see logHorizon). Read before the events it bounds, so each of them is visible to the reads after it.
     */
    logHorizon: async (): Promise<string> =>
      (await sql<{ horizon: string }>`SELECT (${logHorizon})::text AS horizon`.execute(db)).rows[0]!.horizon,

    /**
     * A page of the events written by transactions from `from` on, leaving out the transactions in `seen`
     * (already read whole), in log order after `after`. Through the log's (tx, id) index.
     */
    readLogPage: async (params: {
      from: string;
      seen: string[];
      after: { tx: string; id: string } | null;
      limit: number;
    }): Promise<Array<ConsentStateRow & { tx: string; id: string }>> =>
      (
        await sql<ConsentStateRow & { tx: string; id: string }>`
          SELECT e.tx::text AS tx, e.id::text AS id, ${STATE_COLUMNS}
          FROM consent_events e
          WHERE e.tx >= ${params.from}::xid8 AND NOT (e.tx = ANY(${params.seen}::xid8[]))
            AND ${params.after ? sql`(e.tx, e.id) > (${params.after.tx}::xid8, ${params.after.id}::bigint)` : sql`true`}
          ORDER BY e.tx, e.id
          LIMIT ${params.limit}`.execute(db)
      ).rows,
  };
}

export type GatewayRepository = ReturnType<typeof createGatewayRepository>;
