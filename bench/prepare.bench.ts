/**
 * `npm run bench -- prepare`: the per-row work that needs no database, alone — a bulk request's
 * preparation (prepareBulk: JSON parse, the İYS field rules, the address's blind index and AES-GCM seal,
 * the stored items and the answer) and an upload's (prepareUploadRows: the same from a file's cells). It is
 * a fixed part of every ingested and imported row, on the thread that also accepts or writes. Prints the
 * CPU per row of this process, the median of the rounds; like `bench -- writer`, it moves little with what
 * else the machine runs, so a change of a microsecond shows.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { FieldCipher } from '../src/crypto/field-cipher.js';
import { createKeyRing } from '../src/crypto/keys.js';
import { formatWireDate } from '../src/domain/wire-date.js';
import { readHeader } from '../src/domain/upload-row.js';
import { prepareBulk } from '../src/services/bulk-accept/prepare-bulk.js';
import { prepareUploadRows } from '../src/services/uploads/prepare-rows.js';
import { ownCpuMicros } from './cpu.js';
import { medianAndLeast } from './stats.js';

const BULK_ITEMS = 1000;
/** An upload's rows go to the accept threads this many at a time (hand-overs.ts). */
const HAND_OVER_ROWS = 2000;
const ROUNDS = Number(process.env.BENCH_PREPARE_ROUNDS ?? 20);
/** Requests (and hand-overs) measured together in a round: ~10,000 rows, so a round is not one collection. */
const PER_ROUND = 10;

/** A different consent date each row, as a real file has: every date is parsed, none is remembered. */
function consentDateOf(row: number): string {
  return formatWireDate(new Date(Date.UTC(2026, 0, 1) + row * 7_919_000));
}

export async function benchPrepare(): Promise<void> {
  const cipher = new FieldCipher(createKeyRing(randomBytes(32)));
  const header = ['recipient', 'recipientType', 'type', 'status', 'source', 'consentDate'];
  const { positions } = readHeader(header);
  const bulk: number[] = [];
  const upload: number[] = [];
  for (let round = 0; round < ROUNDS + 2; round++) {
    const requests = Array.from({ length: PER_ROUND }, (_, r) => {
      const first = (round * PER_ROUND + r) * BULK_ITEMS;
      const json = JSON.stringify(
        Array.from({ length: BULK_ITEMS }, (_, i) => ({
          recipient: `+90532${String(first + i).padStart(7, '0')}`,
          recipientType: 'BIREYSEL',
          type: 'MESAJ',
          status: 'ONAY',
          source: 'HS_WEB',
          consentDate: consentDateOf(first + i),
        })),
      );
      return { json, allowedTypes: ['MESAJ'] as const, requestId: randomUUID(), acceptedAt: Date.now() };
    });
    const handOvers = Array.from({ length: PER_ROUND / 2 }, (_, h) => {
      const first = (round * PER_ROUND + h) * HAND_OVER_ROWS;
      const rows = Array.from({ length: HAND_OVER_ROWS }, (_, i) => ({
        line: i + 2,
        cells: [
          `+90535${String(first + i).padStart(7, '0')}`,
          'BIREYSEL',
          'MESAJ',
          'ONAY',
          'HS_WEB',
          consentDateOf(first + i),
        ],
      }));
      return { positions, rows };
    });
    const bulkMicros = await ownCpuMicros(() => {
      for (const request of requests)
        if (!prepareBulk(request, cipher).ok) throw new Error('the bulk request was refused');
    });
    const uploadMicros = await ownCpuMicros(() => {
      for (const handOver of handOvers)
        if (!prepareUploadRows(handOver, cipher).rows.every((row) => row.ok))
          throw new Error('an upload row was refused');
    });
    if (round < 2) continue; // warm-up: the code's first runs are compiled as they go
    bulk.push(bulkMicros / (PER_ROUND * BULK_ITEMS));
    upload.push(uploadMicros / ((PER_ROUND / 2) * HAND_OVER_ROWS));
  }
  console.log(`prepare: ${ROUNDS} rounds, CPU per row of this process, median of the rounds (no database)`);
  console.log(`  bulk requests (prepareBulk, ${BULK_ITEMS} items each):   ${medianAndLeast(bulk)} µs`);
  console.log(`  upload rows (prepareUploadRows, ${HAND_OVER_ROWS} at a time): ${medianAndLeast(upload)} µs`);
}
