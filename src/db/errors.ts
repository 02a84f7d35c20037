/** PostgreSQL refused a row that a unique index already holds (SQLSTATE 23505): a race lost, not a bug. */
export const isUniqueViolation = (error: unknown): boolean =>
  (error as { code?: unknown } | null)?.code === '23505';
