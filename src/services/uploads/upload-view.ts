/** How an upload looks in the portal: its counts, with the rate and the time left while it runs. */
import type { UploadRow } from '../../repositories/upload.repository.js';

export function presentUpload(row: UploadRow & { brand_code: number }, now: Date) {
  const elapsedMs = row.started_at ? (row.finished_at ?? now).getTime() - row.started_at.getTime() : 0;
  const rate = elapsedMs > 0 ? (row.rows_done * 1000) / elapsedMs : 0;
  const left = row.total_rows !== null ? Math.max(0, row.total_rows - row.rows_done) : null;
  return {
    id: row.id,
    brandCode: row.brand_code,
    fileName: row.file_name,
    format: row.format,
    status: row.status,
    migration: row.migration,
    totalRows: row.total_rows,
    rowsDone: row.rows_done,
    rowsApplied: row.rows_applied,
    rowsFailed: row.rows_failed,
    rowsPerSecond: Math.round(rate),
    secondsLeft: row.status === 'processing' && left !== null && rate > 0 ? Math.ceil(left / rate) : null,
    failure: row.failure,
    failureCode: row.failure_code,
    receivedAt: row.received_at,
    finishedAt: row.finished_at,
  };
}
