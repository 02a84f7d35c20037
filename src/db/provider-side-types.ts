import type { ColumnType, Generated } from 'kysely';
import type { CreatedAt } from './columns.js';

/**
 * The provider side's tables (onboarding, portal, retailers, webhooks, bulk requests, uploads, integrators,
 * İYS Yolu).
 */
/** 'unconfirmed' until the applicant opens the link sent to the e-mail address the application names. */
export type ApplicationStatus = 'unconfirmed' | 'pending' | 'approved' | 'rejected';

export interface ProviderApplicationsTable {
  id: string;
  kind: 'TUZEL' | 'GERCEK';
  title: string;
  tax_id_key: Buffer;
  tax_id_enc: Buffer;
  mersis_enc: Buffer | null;
  tax_office: string;
  invoice_address_enc: Buffer;
  email_key: Buffer;
  email_enc: Buffer;
  contact_name_enc: Buffer;
  contact_tckn_enc: Buffer;
  agreement_enc: Buffer;
  agreement_sha256: Buffer;
  agreement_bytes: number;
  status: ColumnType<ApplicationStatus, ApplicationStatus | undefined, ApplicationStatus>;
  submitted_at: Date;
  decided_at: Date | null;
  decided_by: string | null;
  rejection_reason: string | null;
  provider_id: number | null;
  confirm_token_hash: Buffer | null;
  confirm_by: Date | null;
}

export type PortalRole = 'admin' | 'operator' | 'readonly';

export interface PortalUsersTable {
  id: Generated<number>;
  provider_id: number;
  email_key: Buffer;
  email_enc: Buffer;
  name: string;
  role: PortalRole;
  password_hash: string | null;
  totp_secret_enc: Buffer | null;
  disabled_at: Date | null;
  retailer_id: number | null;
  created_at: CreatedAt;
}

export interface RetailersTable {
  id: Generated<number>;
  retailer_code: number;
  brand_id: number;
  title: string;
  alias: string | null;
  mersis: string | null;
  name_enc: Buffer;
  tckn_key: Buffer;
  tckn_enc: Buffer;
  mobile_enc: Buffer | null;
  city_code: string;
  city_name: string;
  town_code: string;
  town_name: string;
  status: 'active' | 'passive' | 'pending';
  linked: Generated<boolean>;
  created_at: CreatedAt;
}

export interface WebhooksTable {
  id: string;
  provider_id: number;
  brand_id: number;
  url: string;
  secret_enc: Buffer;
  previous_secret_enc: Buffer | null;
  previous_until: Date | null;
  status: 'active' | 'disabled';
  disabled_reason: string | null;
  created_at: CreatedAt;
}

export interface WebhookDeliveriesTable {
  id: string;
  webhook_id: string;
  event_id: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: Generated<number>;
  next_attempt_at: Date;
  last_status: number | null;
  last_error: string | null;
  created_at: Date;
  delivered_at: Date | null;
}

export type UploadStatus = 'receiving' | 'queued' | 'processing' | 'completed' | 'failed' | 'cancelled';

export interface BulkRequestsTable {
  id: string;
  brand_id: number;
  api_user_id: number;
  accepted_at: Date;
  subrequest_ids: string[];
  transaction_ids: string[];
  /** The items as JSON, for requests accepted before migration 0049; null for the others. */
  items: ColumnType<unknown, string | null, string | null>;
  /** The items packed (packed-items.ts), for requests accepted since migration 0049. */
  items_packed: ColumnType<Buffer | null, Buffer | Uint8Array | null, never>;
  /** Each item's write lane, a byte per item; then the lanes not applied yet, a bit each (migration 0040). */
  item_lanes: Buffer;
  lanes_left: number;
  /** By lane: when its items were applied, the creationDate of each of its successes. */
  lanes_applied_at: (Date | null)[];
  completed_at: Date | null;
  /** Submitted through the v2 consent service (migration 0034). */
  via_v2: Generated<boolean>;
}

/** The items of a bulk request the rules refused; every other applied item is in the log. */
export interface BulkItemFailuresTable {
  request_id: string;
  /** 0-based position in the request. */
  item: number;
  code: string;
  message: string;
}

export interface ConsentUploadsTable {
  id: string;
  provider_id: number;
  brand_id: number;
  portal_user_id: number;
  file_name: string;
  format: 'csv' | 'xlsx';
  file_sha256: Buffer | null;
  file_bytes: ColumnType<string, number | undefined, number>;
  status: UploadStatus;
  total_rows: number | null;
  rows_done: Generated<number>;
  /** Per write lane, the data row through which every row of the lane is committed (migration 0045). */
  lane_rows_done: Generated<number[]>;
  rows_applied: Generated<number>;
  rows_failed: Generated<number>;
  failure: string | null;
  failure_code: string | null;
  locked_until: Date | null;
  /** Who holds the lease: drawn anew by each claim (migration 0046). */
  lease_token: string | null;
  received_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  /** A migration of the company's past records: sends no message (migration 0041, WriteBatch.pastOnly). */
  migration: Generated<boolean>;
}

export interface ConsentUploadChunksTable {
  upload_id: string;
  seq: number;
  data: Buffer;
}

export interface ConsentUploadErrorsTable {
  upload_id: string;
  row_number: number;
  code: string;
  message: string;
  field: string | null;
}

export interface IntegratorGrantsTable {
  brand_id: number;
  integrator_provider_id: number;
  arama: boolean;
  mesaj: boolean;
  eposta: boolean;
  reconciliation: boolean;
  created_at: CreatedAt;
}

export interface IysYoluRequestsTable {
  id: string;
  brand_id: number;
  api_user_id: number;
  recipient_key: Buffer;
  recipient_type: string;
  types: string[];
  source: string;
  code_hash: Buffer;
  attempts: Generated<number>;
  expires_at: Date;
  completed_at: Date | null;
  created_at: Date;
}

export interface PortalRecoveryCodesTable {
  portal_user_id: number;
  code_hash: Buffer;
  used_at: Date | null;
  created_at: CreatedAt;
}

export interface PortalInvitationsTable {
  token_hash: Buffer;
  portal_user_id: number;
  expires_at: Date;
  used_at: Date | null;
  created_at: CreatedAt;
}

export interface PortalSessionsTable {
  token_hash: Buffer;
  portal_user_id: number;
  csrf_token: string;
  expires_at: Date;
  created_at: CreatedAt;
}
