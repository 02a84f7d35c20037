import { sql, type Insertable, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { ApplicationStatus, Database, ProviderApplicationsTable } from '../db/types.js';

type Executor = Kysely<Database> | Transaction<Database>;
export type ApplicationRow = Selectable<ProviderApplicationsTable>;
export type ApplicationSummaryRow = Omit<
  ApplicationRow,
  'agreement_enc' | 'confirm_token_hash' | 'confirm_by'
>;

/** Provider applications and the codes handed out when one is approved. */
export function createApplicationRepository(db: Kysely<Database>) {
  const summaryColumns = [
    'id',
    'kind',
    'title',
    'tax_id_key',
    'tax_id_enc',
    'mersis_enc',
    'tax_office',
    'invoice_address_enc',
    'email_key',
    'email_enc',
    'contact_name_enc',
    'contact_tckn_enc',
    'agreement_sha256',
    'agreement_bytes',
    'status',
    'submitted_at',
    'decided_at',
    'decided_by',
    'rejection_reason',
    'provider_id',
  ] as const;

  return {
    insertApplication: (executor: Executor, row: Insertable<ProviderApplicationsTable>) =>
      executor.insertInto('provider_applications').values(row).execute(),

    /** Is this tax number already a provider or waiting in an open application? */
    isTaxIdTaken: async (taxIdKey: Buffer): Promise<boolean> => {
      const row = await db
        .selectFrom('providers')
        .select(sql<number>`1`.as('one'))
        .where('tax_id_key', '=', taxIdKey)
        .union(
          db
            .selectFrom('provider_applications')
            .select(sql<number>`1`.as('one'))
            .where('tax_id_key', '=', taxIdKey)
            .where('status', '=', 'pending'),
        )
        .executeTakeFirst();
      return row !== undefined;
    },

    /** The agreement bytes held for applications nobody has decided yet (the storage cap's measure). */
    undecidedBytes: async (): Promise<number> => {
      const row = await db
        .selectFrom('provider_applications')
        .select(sql<string>`coalesce(sum(agreement_bytes), 0)`.as('bytes'))
        .where('status', 'in', ['unconfirmed', 'pending'])
        .executeTakeFirstOrThrow();
      return Number(row.bytes);
    },

    /** Confirms the application whose link this is, while the link is valid; its id, else undefined. */
    confirm: async (tokenHash: Buffer, now: Date): Promise<string | undefined> => {
      const row = await db
        .updateTable('provider_applications')
        .set({ status: 'pending', confirm_token_hash: null, confirm_by: null })
        .where('confirm_token_hash', '=', tokenHash)
        .where('status', '=', 'unconfirmed')
        .where('confirm_by', '>', now)
        .returning('id')
        .executeTakeFirst();
      return row?.id;
    },

    /** Deletes applications (and their agreements) whose confirmation link expired unused. */
    deleteExpiredUnconfirmed: async (now: Date): Promise<number> => {
      const result = await db
        .deleteFrom('provider_applications')
        .where('status', '=', 'unconfirmed')
        .where('confirm_by', '<=', now)
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    /** The latest applications, each with the iysCode it was given (null until approved). */
    listApplications: async (
      status: ApplicationStatus | undefined,
    ): Promise<(ApplicationSummaryRow & { iys_code: number | null })[]> => {
      let query = db
        .selectFrom('provider_applications as a')
        .leftJoin('providers as p', 'p.id', 'a.provider_id')
        .select(summaryColumns.map((column) => `a.${column}` as const))
        .select('p.iys_code')
        .orderBy('a.submitted_at', 'desc')
        .limit(200);
      // Unconfirmed applications are nobody's work yet: listed only when asked for by name.
      query = query.where('a.status', status ? '=' : '!=', status ?? 'unconfirmed');
      return query.execute();
    },

    findApplication: (id: string) =>
      db.selectFrom('provider_applications').selectAll().where('id', '=', id).executeTakeFirst(),

    /** Locks a pending application for its decision; undefined when it does not exist or is decided. */
    lockApplication: (trx: Transaction<Database>, id: string) =>
      trx
        .selectFrom('provider_applications')
        .select(summaryColumns)
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst(),

    decideApplication: (
      trx: Transaction<Database>,
      id: string,
      decision: {
        status: 'approved' | 'rejected';
        decided_at: Date;
        decided_by: string;
        rejection_reason: string | null;
        provider_id: number | null;
      },
    ) => trx.updateTable('provider_applications').set(decision).where('id', '=', id).execute(),
  };
}

export type ApplicationRepository = ReturnType<typeof createApplicationRepository>;
