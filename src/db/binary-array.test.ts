/**
 * The binary column arrays against a real PostgreSQL: each must arrive as the very array `pg`'s own text
 * form makes of the same values, nulls, empty arrays and edge values included.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/database.js';
import { byteaArray, int4Array, textArray, timestamptzArray } from './binary-array.js';

let database: TestDatabase;
let client: pg.Client;
before(async () => {
  database = await createTestDatabase({ empty: true });
  client = new pg.Client({ connectionString: database.url });
  await client.connect();
});
after(async () => {
  await client.end();
  await database.drop();
});

/** Asserts that the binary array arrives as pg's text form of the same values does, element by element. */
async function sameAs(type: string, binary: Buffer, values: unknown[]): Promise<void> {
  const { rows } = await client.query<{ same: boolean; binary: unknown[]; text: unknown[] }>(
    `SELECT $1::${type}[] IS NOT DISTINCT FROM $2::${type}[] AS same, $1::${type}[] AS binary, $2::${type}[] AS text`,
    [binary, values],
  );
  assert.deepEqual(rows[0]!.binary, rows[0]!.text);
  assert.equal(rows[0]!.same, true);
}

test('bytea: keys, empty and long values arrive byte for byte', async () => {
  const values = [randomBytes(32), Buffer.alloc(0), randomBytes(70_000), Buffer.from([0, 92, 34, 123])];
  await sameAs('bytea', byteaArray(values), values);
  const { rows } = await client.query('SELECT $1::bytea[] AS a', [byteaArray(values)]);
  assert.deepEqual(rows[0].a, values);
});

test('text: Turkish letters, quotes, braces, backslashes, commas, NULL and the empty string', async () => {
  const values = ['İYS ılık şğüöç', 'a"b', '{x,y}', 'back\\slash', '', null, 'NULL', '😀'];
  await sameAs('text', textArray(values), values);
});

test('int4: the range ends, zero, negatives and NULL; a value outside 32 bits is refused', async () => {
  const values = [0, -1, 2 ** 31 - 1, -(2 ** 31), null, 700010];
  await sameAs('int4', int4Array(values), values);
  assert.throws(() => int4Array([2 ** 31]), RangeError);
  assert.throws(() => int4Array([1.5]), RangeError);
});

test('timestamptz: milliseconds, dates before 2000 and before 1970 keep their instant', async () => {
  const values = [
    new Date('2026-12-07T19:45:30.123Z'),
    new Date('1999-12-31T23:59:59.999Z'),
    new Date('1969-07-20T20:17:40.001Z'),
    new Date(Date.UTC(2000, 0, 1)),
    new Date('2015-05-01T00:00:00+03:00'),
  ];
  await sameAs('timestamptz', timestamptzArray(values), values);
  const { rows } = await client.query('SELECT $1::timestamptz[] AS a', [timestamptzArray(values)]);
  assert.deepEqual(
    (rows[0].a as Date[]).map((d) => d.getTime()),
    values.map((d) => d.getTime()),
  );
  assert.throws(() => timestamptzArray([new Date(Number.NaN)]), RangeError);
});

test('empty arrays of every type are empty, not NULL', async () => {
  const { rows } = await client.query(
    `SELECT cardinality($1::bytea[]) AS b, cardinality($2::text[]) AS t, cardinality($3::int4[]) AS i,
            cardinality($4::timestamptz[]) AS d`,
    [byteaArray([]), textArray([]), int4Array([]), timestamptzArray([])],
  );
  assert.deepEqual(rows[0], { b: 0, t: 0, i: 0, d: 0 });
});

test('an element type other than the cast is refused by PostgreSQL, not misread', async () => {
  await assert.rejects(client.query('SELECT $1::text[]', [int4Array([1])]), /array element type/);
});
