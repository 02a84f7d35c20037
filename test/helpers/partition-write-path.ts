import pg from 'pg';

/** The tables a shard would hold: every row carries the identity's blind index, `recipient_key`. */
export const WRITE_PATH_TABLES = ['recipients', 'consents', 'consent_events'] as const;

/**
 * Turns the write path's tables of a freshly migrated, still empty database into native PostgreSQL
 * hash-partitioned tables (`partitions` partitions by `recipient_key`): the stand-in for Citus's
 * create_distributed_table, which this machine cannot install (docs/scaling.md). `npm test -- --partitioned`
 * runs the whole suite on a template converted this way, so a query or key that only works on one
 * unpartitioned table fails there.
 *
 * Everything is read from the catalog, not written out again, so a later migration's index or trigger is
 * carried over without touching this file. What a partitioned table cannot have is changed the way a shard
 * layout changes it: a primary key or unique constraint without `recipient_key` (consent_events' `id` and
 * `transaction_id`, unique by construction) becomes a plain index — the deliberate fan-outs of
 * docs/scaling.md.
 */
export async function partitionWritePath(url: string, partitions: number): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('BEGIN');
    for (const table of WRITE_PATH_TABLES) await partitionTable(client, table, partitions);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;

async function partitionTable(client: pg.Client, table: string, partitions: number): Promise<void> {
  const { rows: filled } = await client.query(`SELECT EXISTS (SELECT 1 FROM ${ident(table)}) AS filled`);
  if ((filled[0] as { filled: boolean }).filled) throw new Error(`${table} has rows: partition it empty`);

  const oid = `'public.${table}'::regclass`;
  // Indexes, with the constraint each backs (primary key or unique), and whether it holds recipient_key.
  const { rows: indexes } = await client.query<{
    definition: string;
    constraint_name: string | null;
    constraint_definition: string | null;
    has_key: boolean;
  }>(`
    SELECT pg_get_indexdef(i.indexrelid) AS definition, c.conname AS constraint_name,
           pg_get_constraintdef(c.oid) AS constraint_definition,
           EXISTS (SELECT 1 FROM pg_attribute a
                   WHERE a.attrelid = i.indrelid AND a.attname = 'recipient_key' AND a.attnum = ANY (i.indkey))
             AS has_key
    FROM pg_index i LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid AND c.contype IN ('p', 'u')
    WHERE i.indrelid = ${oid}`);
  const { rows: triggers } = await client.query<{ definition: string }>(
    `SELECT pg_get_triggerdef(oid) AS definition FROM pg_trigger WHERE tgrelid = ${oid} AND NOT tgisinternal`,
  );
  const { rows: references } = await client.query<{ source: string; name: string; definition: string }>(`
    SELECT conrelid::regclass::text AS source, conname AS name, pg_get_constraintdef(oid) AS definition
    FROM pg_constraint WHERE confrelid = ${oid} AND contype = 'f'`);
  const { rows: sequences } = await client.query<{ sequence: string; column_name: string }>(`
    SELECT pg_get_serial_sequence('public.${table}', attname) AS sequence, attname AS column_name
    FROM pg_attribute WHERE attrelid = ${oid} AND attnum > 0 AND NOT attisdropped
      AND pg_get_serial_sequence('public.${table}', attname) IS NOT NULL`);

  const plain = `${table}_unpartitioned`;
  for (const reference of references)
    await client.query(`ALTER TABLE ${reference.source} DROP CONSTRAINT ${ident(reference.name)}`);
  for (const { sequence } of sequences) await client.query(`ALTER SEQUENCE ${sequence} OWNED BY NONE`);
  await client.query(`ALTER TABLE ${ident(table)} RENAME TO ${ident(plain)}`);
  // Columns with their types, collations, defaults, NOT NULL and CHECK constraints; indexes come after,
  // once the old table (and with it the old index names) is gone.
  await client.query(`
    CREATE TABLE ${ident(table)} (LIKE ${ident(plain)} INCLUDING DEFAULTS INCLUDING CONSTRAINTS
      INCLUDING STORAGE INCLUDING COMPRESSION INCLUDING GENERATED)
    PARTITION BY HASH (recipient_key)`);
  await client.query(`DROP TABLE ${ident(plain)}`);
  for (const { sequence, column_name } of sequences)
    await client.query(`ALTER SEQUENCE ${sequence} OWNED BY ${ident(table)}.${ident(column_name)}`);
  for (let remainder = 0; remainder < partitions; remainder++) {
    await client.query(`
      CREATE TABLE ${ident(`${table}_p${remainder}`)} PARTITION OF ${ident(table)}
        FOR VALUES WITH (MODULUS ${partitions}, REMAINDER ${remainder})`);
  }
  for (const index of indexes) {
    if (index.constraint_name && index.has_key) {
      await client.query(
        `ALTER TABLE ${ident(table)} ADD CONSTRAINT ${ident(index.constraint_name)} ${index.constraint_definition}`,
      );
    } else {
      // A unique key without the partition key cannot be enforced across partitions: a plain index.
      await client.query(index.definition.replace(/^CREATE UNIQUE INDEX/, 'CREATE INDEX'));
    }
  }
  for (const trigger of triggers) await client.query(trigger.definition);
  for (const reference of references) {
    await client.query(
      `ALTER TABLE ${reference.source} ADD CONSTRAINT ${ident(reference.name)} ${reference.definition}`,
    );
  }
}
