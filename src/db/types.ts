import type { ColumnType, Generated } from 'kysely';

/** Kysely's view of the schema; kept in step with migrations/ by hand (one place, reviewed together). */
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

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

export interface BulkRequestsTable {
  id: string;
  brand_id: number;
  api_user_id: number;
  accepted_at: Date;
  subrequest_ids: string[];
  transaction_ids: string[];
  items: ColumnType<unknown, string, string>;
  results: ColumnType<unknown, string, string>;
  completed_at: Date | null;
}

export interface CitizensTable {
  id: string;
  created_at: CreatedAt;
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
  pulled_at: Date;
}

export interface GatewayCheckDaysTable {
  day: string;
  allowed: string;
  blocked: string;
}

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
  rows_applied: Generated<number>;
  rows_failed: Generated<number>;
  failure: string | null;
  failure_code: string | null;
  locked_until: Date | null;
  received_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
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

export interface Database {
  providers: ProvidersTable;
  brands: BrandsTable;
  api_users: ApiUsersTable;
  api_tokens: ApiTokensTable;
  recipients: RecipientsTable;
  consent_events: ConsentEventsTable;
  consents: ConsentsTable;
  bulk_requests: BulkRequestsTable;
  citizens: CitizensTable;
  citizen_addresses: CitizenAddressesTable;
  otp_challenges: OtpChallengesTable;
  citizen_sessions: CitizenSessionsTable;
  outbox_messages: OutboxMessagesTable;
  consent_notifications: ConsentNotificationsTable;
  complaints: ComplaintsTable;
  regulator_keys: RegulatorKeysTable;
  staff_sessions: StaffSessionsTable;
  gateway_accounts: GatewayAccountsTable;
  gateway_alerts: GatewayAlertsTable;
  audit_log: AuditLogTable;
  feed_pulls: FeedPullsTable;
  gateway_check_days: GatewayCheckDaysTable;
  provider_applications: ProviderApplicationsTable;
  portal_users: PortalUsersTable;
  portal_invitations: PortalInvitationsTable;
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
