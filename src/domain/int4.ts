/**
 * Registry codes (iysCode, brandCode, retailer codes, row ids) are PostgreSQL `integer`s. A number outside
 * that range can name nothing: lookups answer "not found" instead of letting the database refuse it.
 */
export function isInt4(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= -2_147_483_648 && (value as number) <= 2_147_483_647;
}
