import type { ColumnType, Generated } from 'kysely';
import type { CreatedAt } from './columns.js';

/**
 * The registry's own duties' tables (issue 14): line closures, consent evidence, a complaint's conversation
 * (the citizen's replies and the company's answers), retention, suspicious-submission flags, and the
 * kept per-company figures (issue 11).
 */

export interface ConsentEvidenceTable {
  id: Generated<string>;
  tx: Generated<string>;
  event_id: string;
  brand_id: number;
  recipient_key: Buffer;
  transaction_id: string;
  media_type: string;
  bytes: number;
  sha256: Buffer;
  content_enc: Buffer;
  actor_id: string;
  created_at: Date;
  leaf_hash: Buffer;
}

/** A complaint's conversation: the citizen's replies (migration 0031) and the company's answers (0035). */
export interface ComplaintRepliesTable {
  id: Generated<string>;
  complaint_id: string;
  text_enc: Buffer;
  created_at: CreatedAt;
}

export interface ComplaintAnswersTable {
  id: Generated<string>;
  complaint_id: string;
  text_enc: Buffer;
  transaction_ids: string[];
  answered_by: string;
  created_at: CreatedAt;
}

export interface LineClosureBatchesTable {
  id: string;
  account_id: number;
  kind: 'api' | 'file';
  file_sha256: Buffer | null;
  rows_total: number;
  rows_new: number;
  rows_failed: number;
  rows_applied: Generated<number>;
  consents_closed: Generated<number>;
  errors: ColumnType<unknown, string | undefined, string>;
  received_at: Date;
}

export interface LineClosuresTable {
  recipient_key: Buffer;
  closed_at: Date;
  batch_id: string;
  applied_at: Date | null;
  consents_closed: number | null;
}

/** Leaves of the transparency log whose record the retention job purged (migration 0036). */
export interface PurgedLeavesTable {
  leaf_index: string;
  purged_at: Generated<Date>;
}

/** What each retention run removed: counts only (migration 0036). */
export interface RetentionRunsTable {
  id: Generated<string>;
  ran_at: Generated<Date>;
  kind: string;
  brand_id: number | null;
  rows: number;
}

/** A suspicious submission, once per brand, sender, hour and rule (migration 0037). */
export interface AnomalyFlagsTable {
  id: Generated<string>;
  brand_id: number;
  sender: string;
  window_start: Date;
  rule: string;
  details: ColumnType<unknown, string, string>;
  created_at: Date;
}

export interface AnomalyCursorTable {
  only_row: Generated<boolean>;
  scanned_until: Date;
}

/**
 * Consents per brand and status (migration 0042): changes appended by triggers on `consents`, folded into
 * sums by the worker; a count is the sum of its rows.
 */
export interface ConsentCountsTable {
  brand_id: number;
  status: string;
  /** A count (after a fold) or a change of it (a statement's, before one); a string, as it is a bigint. */
  n: ColumnType<string, number | string, number | string>;
}

/** Citizen opt-outs per brand and settled UTC day (migration 0043), and how far they are tallied. */
export interface OptOutDaysTable {
  brand_id: number;
  day: string;
  due: number;
  reached: number;
}

export interface OptOutTallyTable {
  only_row: Generated<boolean>;
  tallied_before: Date;
}
