import type { ColumnType } from 'kysely';

/** A `created_at` column: the database sets it, reads give a Date, nothing updates it. */
export type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
