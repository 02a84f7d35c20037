/**
 * An upload's data rows on their way to the writer: read from the file, handed to the preparer (an accept
 * thread, or inline) 2,000 at a time, about a batch ahead of the one being gathered, and given back
 * prepared in file order.
 */
import { FileRejected } from '../../domain/upload-limits.js';
import { readHeader } from '../../domain/upload-row.js';
import type { BulkPreparer } from '../bulk-accept/accept-pool.js';
import type { PreparedUploadRows } from './prepare-rows.js';
import type { FileRow } from './upload-reader.js';

/** Rows prepared at a time (on an accept thread: one hand-over each way), and how many are ahead. */
const ROWS_PER_HAND_OVER = 2_000;
const HAND_OVERS_AHEAD = 5;

/** Consecutive data rows of the file, prepared. */
export interface HandOver extends PreparedUploadRows {
  /** The data row number of its first row. */
  first: number;
  lines: number[];
}

/** What has been read of the file so far. */
export interface FileRead {
  dataRows: number;
}

/**
 * Yields the file's prepared data rows in file order. Rows through `appliedThrough` (applied in every lane
 * before a restart) are counted in `read.dataRows`, not prepared. A file without its required columns, or
 * without even a header, is refused (H961). Stopped early (a write failed), it waits for the hand-overs
 * still being prepared, so none is left running.
 */
export async function* handOversOf(
  fileRows: AsyncIterable<FileRow[]>,
  preparer: Pick<BulkPreparer, 'prepareUploadRows'>,
  appliedThrough: number,
  read: FileRead,
): AsyncGenerator<HandOver> {
  let header: ReturnType<typeof readHeader> | undefined;
  const ahead: Array<{ first: number; lines: number[]; prepared: Promise<PreparedUploadRows> }> = [];
  let gathered: FileRow[] = [];
  let gatheredFrom = 0;
  const handOver = () => {
    if (gathered.length === 0) return;
    const prepared = preparer.prepareUploadRows({ positions: header!.positions, rows: gathered });
    prepared.catch(() => {}); // observed when its turn comes; a failure must not go unhandled meanwhile
    ahead.push({ first: gatheredFrom, lines: gathered.map((row) => row.line), prepared });
    gathered = [];
  };
  const next = async (): Promise<HandOver> => {
    const { first, lines, prepared } = ahead.shift()!;
    return { first, lines, ...(await prepared) };
  };

  try {
    for await (const fileRowsRead of fileRows) {
      let rows = fileRowsRead;
      if (!header) {
        header = readHeader(rows[0]!.cells);
        if (header.missing.length > 0)
          throw new FileRejected('H961', `eksik sütunlar: ${header.missing.join(', ')}`, rows[0]!.line);
        rows = rows.slice(1);
      }
      const first = read.dataRows + 1;
      read.dataRows += rows.length;
      if (rows.length === 0 || read.dataRows <= appliedThrough) continue;
      const skip = Math.max(0, appliedThrough - first + 1);
      if (gathered.length === 0) gatheredFrom = first + skip;
      for (let i = skip; i < rows.length; i++) gathered.push(rows[i]!);
      if (gathered.length < ROWS_PER_HAND_OVER) continue;
      handOver();
      if (ahead.length > HAND_OVERS_AHEAD) yield await next();
    }
    if (!header) throw new FileRejected('H961', 'dosya boş.');
    handOver();
    while (ahead.length > 0) yield await next();
  } finally {
    await Promise.allSettled(ahead.map((handed) => handed.prepared));
  }
}
