import type { ColumnType, Generated } from 'kysely';
import type { CreatedAt } from './columns.js';
import type {
  ProviderApplicationsTable,
  PortalUsersTable,
  RetailersTable,
  WebhooksTable,
  WebhookDeliveriesTable,
  ConsentUploadsTable,
  ConsentUploadChunksTable,
  ConsentUploadErrorsTable,
  IntegratorGrantsTable,
  IysYoluRequestsTable,
  PortalInvitationsTable,
  PortalRecoveryCodesTable,
  PortalSessionsTable,
  BulkRequestsTable,
  BulkItemFailuresTable,
} from './provider-side-types.js';
import type {
  AnomalyCursorTable,
  AnomalyFlagsTable,
  ComplaintAnswersTable,
  ComplaintRepliesTable,
  ConsentEvidenceTable,
  LineClosureBatchesTable,
  LineClosuresTable,
  PurgedLeavesTable,
  RetentionRunsTable,
  ConsentCountsTable,
  OptOutDaysTable,
  OptOutTallyTable,
} from './registry-side-types.js';

export type * from './provider-side-types.js';
export type * from './registry-side-types.js';

/** Kysely's view of the schema; kept in step with migrations/ by hand (one place, reviewed together). */
export interface ProvidersTable {
  id: Generated<number>;
  iys_code: number;
  kind: 'TUZEL' | 'GERCEK';
  title: string;
  tax_id_enc: Buffer | null;
  status: 'pending' | 'active' | 'suspended';
  activated_at: Date | null;
  tax_id_key: Buffer | null;
  created_at: CreatedAt;
}

export interface BrandsTable {
  id: Generated<number>;
  brand_code: number;
  provider_id: number;
  name: string;
  master: ColumnType<boolean, boolean | undefined, boolean>;
  /** Set by the regulator: no new ONAY, no notice naming the brand, until lifted. */
  blocked_at: Date | null;
  blocked_reason: string | null;
  created_at: CreatedAt;
}

export interface ApiUsersTable {
  id: Generated<number>;
  provider_id: number;
  username: string;
  password_hash: string;
  revoked_at: Date | null;
  created_at: CreatedAt;
}

export interface ApiTokensTable {
  token_hash: Buffer;
  kind: 'access' | 'refresh';
  api_user_id: number;
  expires_at: Date;
  created_at: CreatedAt;
  /** Every token issued from one password sign-in, through all its refreshes. */
  family: string;
  /** Set when a refresh token is used; presenting it again revokes the family. */
  used_at: Date | null;
}

export interface RecipientsTable {
  recipient_key: Buffer;
  address_enc: Buffer;
  kind: 'phone' | 'email';
  created_at: CreatedAt;
}

export interface ConsentEventsTable {
  id: Generated<string>;
  transaction_id: string;
  brand_id: number;
  recipient_key: Buffer;
  recipient_type: string;
  type: string;
  status: string;
  source: string | null;
  consent_date: Date;
  creation_date: Date;
  retailer_code: number | null;
  retailer_access: number[];
  actor_kind: 'provider' | 'citizen' | 'system';
  actor_id: string | null;
  leaf_hash: Buffer;
  /** The writing transaction's id (xid8, as text): the notice reader's horizon (migration 0025). */
  tx: Generated<string>;
}

export interface ConsentsTable {
  recipient_key: Buffer;
  brand_id: number;
  recipient_type: string;
  type: string;
  status: string;
  source: string | null;
  consent_date: Date;
  creation_date: Date;
  transaction_id: string;
  retailer_code: number | null;
  retailer_access: number[];
  last_event_id: string;
}

export interface CitizensTable {
  id: string;
  created_at: CreatedAt;
  /** A keyed hash of the national id of the identity this account belongs to (migration 0038). */
  identity_hash: ColumnType<Buffer | null, Buffer | null | undefined, Buffer | null>;
}

export interface CitizenAddressesTable {
  citizen_id: string;
  recipient_key: Buffer;
  verified_at: Date;
}

export interface OtpChallengesTable {
  id: string;
  purpose: 'sign-in' | 'add-address';
  citizen_id: string | null;
  recipient_key: Buffer;
  code_hash: Buffer;
  attempts: ColumnType<number, number | undefined, number>;
  expires_at: Date;
  consumed_at: Date | null;
  created_at: Date;
}

export interface CitizenSessionsTable {
  token_hash: Buffer;
  citizen_id: string;
  csrf_token: string;
  expires_at: Date;
  created_at: CreatedAt;
}

export interface OutboxMessagesTable {
  id: string;
  channel: 'sms' | 'email';
  recipient_key: Buffer;
  purpose: string;
  subject_enc: Buffer | null;
  body_enc: Buffer;
  status: ColumnType<'pending' | 'sent' | 'failed', 'pending' | 'sent' | 'failed' | undefined>;
  attempts: ColumnType<number, number | undefined, number>;
  last_error: string | null;
  created_at: Date;
  sent_at: Date | null;
}

export interface NoticeCursorTable {
  only_row: Generated<boolean>;
  tx: string;
  event_id: string;
}

/** The transparency log (migration 0028): leaves, complete subtrees, signed heads, the sequencer's cursor. */
export interface LogLeavesTable {
  leaf_index: string;
  /** A consent event's leaf, or (migration 0035) a piece of evidence's. */
  event_id: string | null;
  evidence_id: string | null;
  leaf_hash: Buffer;
}

export interface LogSubtreesTable {
  level: number;
  node_index: string;
  hash: Buffer;
}

export interface LogHeadsTable {
  tree_size: string;
  root_hash: Buffer;
  signed_at: Date;
  kid: string;
  jws: string;
}

/** Every key that signed heads (migration 0029); the highest version signs new ones. */
export interface LogKeysTable {
  version: number;
  kid: string;
  jwk: unknown;
  created_at: Generated<Date>;
}

/** The daily audit's results (migration 0029). */
export interface LogAuditsTable {
  id: Generated<string>;
  finished_at: Generated<Date>;
  leaves: string;
  heads: string;
  problems: string[];
  unlisted: string;
}

export interface LogCursorTable {
  only_row: Generated<boolean>;
  tx: string;
  event_id: string;
  tree_size: string;
  evidence_tx: Generated<string>;
  evidence_id: Generated<string>;
}

/** A notice held back (the person was told something within a day, or the brand is blocked). */
export interface ConsentNotificationsTable {
  id: Generated<string>;
  event_id: string;
  recipient_key: Buffer;
  brand_id: number;
  type: string;
  created_at: Date;
  message_id: string | null;
}

export interface ComplaintsTable {
  id: string;
  citizen_id: string;
  brand_id: number;
  recipient_key: Buffer;
  type: string;
  received_at: Date;
  message_enc: Buffer;
  screenshot_enc: Buffer | null;
  screenshot_type: string | null;
  evidence: ColumnType<unknown, string, string>;
  verdict: string;
  status: ColumnType<string, string | undefined, string>;
  created_at: CreatedAt;
  decided_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  decided_by: ColumnType<string | null, string | null | undefined, string | null>;
  decision_note_enc: ColumnType<Buffer | null, Buffer | null | undefined, Buffer | null>;
  province: string | null;
  /** When the company's answer is due (migration 0035); null for complaints filed before. */
  answer_due_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export interface ShortLinksTable {
  code: string;
  /** bigint[]: node-postgres reads them as strings. */
  event_ids: string[];
  expires_at: Date;
}

export interface RegulatorKeysTable {
  key_hash: Buffer;
  name: string;
  role: ColumnType<'admin' | 'regulator', 'admin' | 'regulator' | undefined, 'admin' | 'regulator'>;
  created_at: CreatedAt;
  revoked_at: Date | null;
}

export interface StaffSessionsTable {
  token_hash: Buffer;
  key_hash: Buffer;
  csrf_token: string;
  expires_at: Date;
  created_at: CreatedAt;
}

export interface GatewayAccountsTable {
  id: Generated<number>;
  name: string;
  channels: string[];
  username: string;
  password_hash: string;
  token_hash: Buffer;
  /** May see each answer's reason and since (otherwise allowed/blocked only). */
  sees_detail: Generated<boolean>;
  /** May report line closures (an operator that assigns mobile numbers). */
  closes_lines: Generated<boolean>;
  created_at: CreatedAt;
  revoked_at: Date | null;
}

export interface GatewayAlertsTable {
  id: Generated<string>;
  account_id: number;
  kind: 'range-scan';
  detected_at: Date;
  details: ColumnType<Record<string, unknown>, string, string>;
}

export interface AuditLogTable {
  id: Generated<string>;
  at: CreatedAt;
  actor: string;
  action: string;
  target: string;
  details: ColumnType<unknown, string | undefined, never>;
  /** Where the request came from ('cli' for the admin command line); null in entries before 0024. */
  client_address: ColumnType<string | null, string | null | undefined, never>;
}

export interface FeedPullsTable {
  brand_id: number;
  up_to_event_id: string;
  /** The pull's last movement's writing transaction (feed order is tx, id); null before migration 0026. */
  up_to_tx: string | null;
  pulled_at: Date;
}

export interface GatewayCheckDaysTable {
  day: string;
  allowed: string;
  blocked: string;
}

export interface Database {
  providers: ProvidersTable;
  brands: BrandsTable;
  api_users: ApiUsersTable;
  api_tokens: ApiTokensTable;
  recipients: RecipientsTable;
  consent_events: ConsentEventsTable;
  consents: ConsentsTable;
  consent_counts: ConsentCountsTable;
  opt_out_days: OptOutDaysTable;
  opt_out_tally: OptOutTallyTable;
  bulk_requests: BulkRequestsTable;
  bulk_item_failures: BulkItemFailuresTable;
  citizens: CitizensTable;
  citizen_addresses: CitizenAddressesTable;
  otp_challenges: OtpChallengesTable;
  citizen_sessions: CitizenSessionsTable;
  outbox_messages: OutboxMessagesTable;
  consent_notifications: ConsentNotificationsTable;
  notice_cursor: NoticeCursorTable;
  log_leaves: LogLeavesTable;
  log_subtrees: LogSubtreesTable;
  log_heads: LogHeadsTable;
  log_cursor: LogCursorTable;
  log_keys: LogKeysTable;
  log_audits: LogAuditsTable;
  complaints: ComplaintsTable;
  complaint_replies: ComplaintRepliesTable;
  complaint_answers: ComplaintAnswersTable;
  consent_evidence: ConsentEvidenceTable;
  purged_leaves: PurgedLeavesTable;
  anomaly_flags: AnomalyFlagsTable;
  anomaly_cursor: AnomalyCursorTable;
  retention_runs: RetentionRunsTable;
  short_links: ShortLinksTable;
  regulator_keys: RegulatorKeysTable;
  staff_sessions: StaffSessionsTable;
  gateway_accounts: GatewayAccountsTable;
  gateway_alerts: GatewayAlertsTable;
  line_closure_batches: LineClosureBatchesTable;
  line_closures: LineClosuresTable;
  audit_log: AuditLogTable;
  feed_pulls: FeedPullsTable;
  gateway_check_days: GatewayCheckDaysTable;
  provider_applications: ProviderApplicationsTable;
  portal_users: PortalUsersTable;
  portal_invitations: PortalInvitationsTable;
  portal_recovery_codes: PortalRecoveryCodesTable;
  portal_sessions: PortalSessionsTable;
  retailers: RetailersTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  consent_uploads: ConsentUploadsTable;
  consent_upload_chunks: ConsentUploadChunksTable;
  consent_upload_errors: ConsentUploadErrorsTable;
  integrator_grants: IntegratorGrantsTable;
  iys_yolu_requests: IysYoluRequestsTable;
}
