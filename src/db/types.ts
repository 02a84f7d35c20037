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
  created_at: CreatedAt;
}

export interface BrandsTable {
  id: Generated<number>;
  brand_code: number;
  provider_id: number;
  name: string;
  master: ColumnType<boolean, boolean | undefined, boolean>;
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

export interface Database {
  providers: ProvidersTable;
  brands: BrandsTable;
  api_users: ApiUsersTable;
  api_tokens: ApiTokensTable;
  recipients: RecipientsTable;
  consent_events: ConsentEventsTable;
  consents: ConsentsTable;
  bulk_requests: BulkRequestsTable;
}
