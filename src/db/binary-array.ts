/**
 * Column arrays for the write path's `unnest()` statements, sent in PostgreSQL's binary array format.
 *
 * `pg` sends a JavaScript array as a text literal: every element escaped and quoted, every Buffer as
 * `\\x`-prefixed hex, every Date formatted, each step a new string. On the writer's path that was the
 * process's largest allocator (~3.6 KB of garbage a row, `bench -- import`'s allocation profile), and
 * PostgreSQL parsed it all back. A Buffer parameter goes out as binary (`pg` sets its format code), so a
 * column laid out as `array_recv` reads it crosses once, unescaped; the statement's cast (`$1::bytea[]`)
 * gives the parameter its type. Element types must match the cast exactly, or PostgreSQL refuses the
 * array ("binary data has array element type … instead of expected …").
 */

/** Element type OIDs (pg_type), as array_recv checks them against the parameter's type. */
const ELEMENT_OID = { bytea: 17, int4: 23, text: 25, timestamptz: 1184 } as const;

/** PostgreSQL's epoch (2000-01-01 UTC) in Unix milliseconds: a binary timestamp counts microseconds from it. */
const PG_EPOCH_MS = Date.UTC(2000, 0, 1);
const TWO_32 = 2 ** 32;

/**
 * Header, its one dimension, then each element as its length (-1 for NULL) and bytes, written straight
 * into one buffer: `sizeOf` says an element's length (-1 for NULL), `write` puts it at an offset.
 */
function encodeArray<T>(
  oid: number,
  values: readonly T[],
  sizeOf: (value: T) => number,
  write: (out: Buffer, at: number, value: T) => void,
): Buffer {
  const lengths = new Int32Array(values.length);
  let size = 12 + (values.length > 0 ? 8 : 0);
  let hasNull = 0;
  for (let i = 0; i < values.length; i++) {
    const length = sizeOf(values[i]!);
    lengths[i] = length;
    size += 4 + Math.max(length, 0);
    if (length < 0) hasNull = 1;
  }
  const out = Buffer.allocUnsafe(size);
  out.writeInt32BE(values.length > 0 ? 1 : 0, 0); // dimensions: an empty array has none
  out.writeInt32BE(hasNull, 4);
  out.writeInt32BE(oid, 8);
  let at = 12;
  if (values.length > 0) {
    out.writeInt32BE(values.length, at);
    out.writeInt32BE(1, at + 4); // lower bound
    at += 8;
  }
  for (let i = 0; i < values.length; i++) {
    const length = lengths[i]!;
    out.writeInt32BE(length, at);
    at += 4;
    if (length < 0) continue;
    write(out, at, values[i]!);
    at += length;
  }
  return out;
}

/** For `$n::bytea[]`. */
export const byteaArray = (values: readonly Buffer[]): Buffer =>
  encodeArray(
    ELEMENT_OID.bytea,
    values,
    (value) => value.length,
    (out, at, value) => value.copy(out, at),
  );

/** For `$n::text[]`: each element as its UTF-8 bytes. */
export const textArray = (values: readonly (string | null)[]): Buffer =>
  encodeArray(
    ELEMENT_OID.text,
    values,
    (value) => (value === null ? -1 : Buffer.byteLength(value, 'utf8')),
    (out, at, value) => out.write(value!, at, 'utf8'),
  );

/** For `$n::int4[]` (`integer[]`): 32-bit integers. */
export const int4Array = (values: readonly (number | null)[]): Buffer =>
  encodeArray(
    ELEMENT_OID.int4,
    values,
    (value) => {
      if (value === null) return -1;
      if (!Number.isInteger(value) || value < -(2 ** 31) || value >= 2 ** 31)
        throw new RangeError(`not a 32-bit integer: ${value}`);
      return 4;
    },
    (out, at, value) => out.writeInt32BE(value!, at),
  );

/** For `$n::timestamptz[]`: microseconds since PostgreSQL's epoch, as a 64-bit integer. */
export const timestamptzArray = (values: readonly Date[]): Buffer =>
  encodeArray(
    ELEMENT_OID.timestamptz,
    values,
    (date) => {
      // Exact as a double only within ±2^53 µs (~285 years) of 2000: a date outside is refused, not rounded.
      if (!(Math.abs(date.getTime() - PG_EPOCH_MS) * 1000 <= Number.MAX_SAFE_INTEGER))
        throw new RangeError(`not a storable date: ${String(date)}`);
      return 8;
    },
    (out, at, date) => {
      const micros = (date.getTime() - PG_EPOCH_MS) * 1000;
      const high = Math.floor(micros / TWO_32);
      out.writeInt32BE(high, at);
      out.writeUInt32BE(micros - high * TWO_32, at + 4);
    },
  );
