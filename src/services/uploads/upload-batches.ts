/**
 * How an upload's rows are gathered for writing: a batch of rows read from the file, split by write lane
 * when it is handed to the writers (see the upload service).
 */
import { WRITE_LANES } from '../../domain/write-lanes.js';
import type { UploadError } from '../../domain/upload-row.js';
import type { SealedConsent } from '../consent-writer.js';

export interface BatchRow {
  line: number;
  consent: SealedConsent;
}

/** Rows read since the last batch was handed to the writers, by write lane. */
export interface Batch {
  rows: number;
  /** The data row number of its last row. */
  through: number;
  lanes: BatchRow[][];
  /** Rows refused before reaching a lane (unreadable, invalid), with their errors. */
  failedRows: number;
  rowErrors: UploadError[];
}

/** One lane's share of a batch, and the data row through which the lane is done once it commits. */
export interface LanePart {
  lane: number;
  through: number;
  rows: BatchRow[];
  failedRows: number;
  rowErrors: UploadError[];
}

/** The lane that records the rows refused before reaching a lane (they have no address to give one). */
export const FAILED_ROWS_LANE = 0;

export const newBatch = (): Batch => ({
  rows: 0,
  through: 0,
  lanes: Array.from({ length: WRITE_LANES }, () => []),
  failedRows: 0,
  rowErrors: [],
});

/**
 * A batch's lane parts, through the batch's last row. A lane with nothing in this batch writes nothing:
 * its mark stays behind, which is safe, as none of its rows lie between.
 */
export function lanePartsOf(batch: Batch): LanePart[] {
  const { through } = batch;
  return batch.lanes.flatMap((rows, lane) => {
    const failed = lane === FAILED_ROWS_LANE;
    if (rows.length === 0 && !(failed && batch.failedRows > 0)) return [];
    return [
      {
        lane,
        through,
        rows,
        failedRows: failed ? batch.failedRows : 0,
        rowErrors: failed ? batch.rowErrors : [],
      },
    ];
  });
}

/**
 * Writes batches' lane parts as they are handed over. A lane's parts are chained, so they commit one after
 * the other, in file order, and a part whose lane failed before it never runs; a lane that is done goes on
 * to its part of the next batch while the other still writes. At most two batches are in flight: `room`
 * waits for the one before the last.
 */
export function createLaneWrites(write: (part: LanePart) => Promise<void>) {
  const tails: Promise<void>[] = [];
  let previous: Promise<void>[] = [];
  let latest: Promise<void>[] = [];
  return {
    /** Waits until only the last batch handed over may still be writing; fails with an earlier failure. */
    room: () => settled(previous),
    start(parts: LanePart[]): void {
      previous = latest;
      latest = parts.map(
        (part) => (tails[part.lane] = (tails[part.lane] ?? Promise.resolve()).then(() => write(part))),
      );
      // A failed write must not go unobserved while the next batch is read; `room` or `finished` rethrows it.
      for (const started of latest) started.catch(() => {});
    },
    /** Waits for every write, then fails with the first failure. */
    finished: () => settled([...previous, ...latest]),
    /** Waits for every write, whatever their outcome: none of them is left running. */
    stopped: async () => void (await Promise.allSettled([...previous, ...latest])),
  };
}

/** Waits for every write, then fails with the first failure: no transaction is left running behind it. */
async function settled(writes: Promise<void>[]): Promise<void> {
  const failed = (await Promise.allSettled(writes)).find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
}
