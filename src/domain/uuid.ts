const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids in paths and bodies are checked before any query: a malformed one is a clean 4xx, never a 500. */
export const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);
