/** PostgreSQL refused a row that a unique index already holds (SQLSTATE 23505): a race lost, not a bug. */
export const isUniqueViolation = (error: unknown): boolean =>
  (error as { code?: unknown } | null)?.code === '23505';

/** PostgreSQL's class 22, "data exception": the statement was fine, the value was not. */
export function isDataException(error: unknown): boolean {
  return hasSqlState(error, /^22[0-9A-Z]{3}$/);
}

/**
 * PostgreSQL refused the data itself: a data exception (class 22) or an integrity constraint (class 23).
 * Unlike a lost connection or a deadlock, the same statement on the same rows fails again.
 */
export function isDataRefusal(error: unknown): boolean {
  return hasSqlState(error, /^2[23][0-9A-Z]{3}$/);
}

/** An error from the server (it has a severity), with a SQLSTATE of this form. */
function hasSqlState(error: unknown, state: RegExp): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && state.test(code) && 'severity' in (error as object);
}
