import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/types.js';

export interface AuditEntry {
  actor: string;
  action: string;
  target: string;
  details?: Record<string, unknown>;
  /** Where the request came from; 'cli' for the admin command line. */
  clientAddress?: string;
}

export interface AuditQuery {
  actor?: string;
  action?: string;
  /** Any action starting with one of these (an area of AUDIT_AREAS). */
  actionPrefixes?: readonly string[];
  target?: string;
  from?: Date;
  to?: Date;
  limit: number;
}

/** The append-only audit log of registry staff actions. */
export function createAuditRepository(db: Kysely<Database>) {
  return {
    record: (entry: AuditEntry) =>
      db
        .insertInto('audit_log')
        .values({
          actor: entry.actor,
          action: entry.action,
          target: entry.target,
          details: JSON.stringify(entry.details ?? {}),
          client_address: entry.clientAddress ?? null,
        })
        .execute(),

    search: (query: AuditQuery) => {
      let q = db.selectFrom('audit_log').selectAll();
      if (query.actor) q = q.where('actor', '=', query.actor);
      if (query.action) q = q.where('action', '=', query.action);
      const prefixes = query.actionPrefixes;
      if (prefixes?.length)
        q = q.where((eb) =>
          eb.or(
            prefixes.map((prefix) => eb('action', 'like', `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`)),
          ),
        );
      if (query.target) q = q.where('target', '=', query.target);
      if (query.from) q = q.where('at', '>=', query.from);
      if (query.to) q = q.where('at', '<', query.to);
      return q.orderBy('id', 'desc').limit(query.limit).execute();
    },

    count: async (): Promise<number> =>
      Number(
        (
          await db
            .selectFrom('audit_log')
            .select(sql<string>`count(*)`.as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      ),
  };
}

export type AuditRepository = ReturnType<typeof createAuditRepository>;
