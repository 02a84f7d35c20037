import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import * as consentCore from './migrations/0001-consent-core.js';
import * as citizenSide from './migrations/0002-citizen-side.js';
import * as gateway from './migrations/0003-gateway.js';
import * as regulator from './migrations/0004-regulator.js';
import * as transparency from './migrations/0005-transparency.js';
import * as dashboard from './migrations/0006-dashboard.js';
import * as complaintProvince from './migrations/0007-complaint-province.js';
import * as providerOnboarding from './migrations/0008-provider-onboarding.js';
import * as retailers from './migrations/0009-retailers.js';
import * as reconciliation from './migrations/0010-reconciliation.js';
import * as webhooks from './migrations/0011-webhooks.js';
import * as consentUploads from './migrations/0012-consent-uploads.js';
import * as integrators from './migrations/0013-integrators.js';
import * as iysYolu from './migrations/0014-iys-yolu.js';
import * as uploadFailures from './migrations/0015-upload-failures.js';
import * as deliveriesByEvent from './migrations/0016-deliveries-by-event.js';
import * as noticePerDay from './migrations/0017-notice-per-day.js';
import * as tokenFamilies from './migrations/0018-token-families.js';
import * as throttles from './migrations/0019-throttles.js';
import * as applicationConfirmation from './migrations/0020-application-confirmation.js';
import * as gatewayGuard from './migrations/0021-gateway-guard.js';
import * as staffSessions from './migrations/0022-staff-sessions.js';
import * as brandModeration from './migrations/0023-brand-moderation.js';
import * as auditClientAddress from './migrations/0024-audit-client-address.js';
import * as noticesFromLog from './migrations/0025-notices-from-log.js';
import * as writeLanes from './migrations/0026-write-lanes.js';
import * as transactionIdHash from './migrations/0027-transaction-id-hash.js';
import * as transparencyLog from './migrations/0028-transparency-log.js';
import * as logKeysAndAudits from './migrations/0029-log-keys-and-audits.js';
import * as portalRecoveryCodes from './migrations/0030-portal-recovery-codes.js';
import * as complaintReplies from './migrations/0031-complaint-replies.js';
import * as shortLinks from './migrations/0032-short-links.js';
import * as lineClosures from './migrations/0033-line-closures.js';
import * as v2Requests from './migrations/0034-v2-requests.js';
import * as consentEvidence from './migrations/0035-consent-evidence.js';
import * as retention from './migrations/0036-retention.js';
import * as anomalyFlags from './migrations/0037-anomaly-flags.js';
import * as citizenIdentity from './migrations/0038-citizen-identity.js';
import * as indexFollowsLog from './migrations/0039-index-follows-log.js';
import * as bulkResultsByLane from './migrations/0040-bulk-results-by-lane.js';
import * as migrationUploads from './migrations/0041-migration-uploads.js';
import * as consentCounts from './migrations/0042-consent-counts.js';
import * as optOutDays from './migrations/0043-opt-out-days.js';
import * as brandDayIndex from './migrations/0044-brand-day-index.js';
import * as uploadLaneMarks from './migrations/0045-upload-lane-marks.js';
import * as uploadLeaseToken from './migrations/0046-upload-lease-token.js';
import * as brandBacklogIndex from './migrations/0047-brand-backlog-index.js';
import * as bulkIdsUncompressed from './migrations/0048-bulk-ids-uncompressed.js';
import * as bulkItemsPacked from './migrations/0049-bulk-items-packed.js';

/** Migrations are listed here in order, so the build needs no directory scan and a typo fails to compile. */
const MIGRATIONS: Record<string, Migration> = {
  '0001-consent-core': consentCore,
  '0002-citizen-side': citizenSide,
  '0003-gateway': gateway,
  '0004-regulator': regulator,
  '0005-transparency': transparency,
  '0006-dashboard': dashboard,
  '0007-complaint-province': complaintProvince,
  '0008-provider-onboarding': providerOnboarding,
  '0009-retailers': retailers,
  '0010-reconciliation': reconciliation,
  '0011-webhooks': webhooks,
  '0012-consent-uploads': consentUploads,
  '0013-integrators': integrators,
  '0014-iys-yolu': iysYolu,
  '0015-upload-failures': uploadFailures,
  '0016-deliveries-by-event': deliveriesByEvent,
  '0017-notice-per-day': noticePerDay,
  '0018-token-families': tokenFamilies,
  '0019-throttles': throttles,
  '0020-application-confirmation': applicationConfirmation,
  '0021-gateway-guard': gatewayGuard,
  '0022-staff-sessions': staffSessions,
  '0023-brand-moderation': brandModeration,
  '0024-audit-client-address': auditClientAddress,
  '0025-notices-from-log': noticesFromLog,
  '0026-write-lanes': writeLanes,
  '0027-transaction-id-hash': transactionIdHash,
  '0028-transparency-log': transparencyLog,
  '0029-log-keys-and-audits': logKeysAndAudits,
  '0030-portal-recovery-codes': portalRecoveryCodes,
  '0031-complaint-replies': complaintReplies,
  '0032-short-links': shortLinks,
  '0033-line-closures': lineClosures,
  '0034-v2-requests': v2Requests,
  '0035-consent-evidence': consentEvidence,
  '0036-retention': retention,
  '0037-anomaly-flags': anomalyFlags,
  '0038-citizen-identity': citizenIdentity,
  '0039-index-follows-log': indexFollowsLog,
  '0040-bulk-results-by-lane': bulkResultsByLane,
  '0041-migration-uploads': migrationUploads,
  '0042-consent-counts': consentCounts,
  '0043-opt-out-days': optOutDays,
  '0044-brand-day-index': brandDayIndex,
  '0045-upload-lane-marks': uploadLaneMarks,
  '0046-upload-lease-token': uploadLeaseToken,
  '0047-brand-backlog-index': brandBacklogIndex,
  '0048-bulk-ids-uncompressed': bulkIdsUncompressed,
  '0049-bulk-items-packed': bulkItemsPacked,
};

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on any schema version
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Migrates up or down to the named migration: a rollback, and tests of a migration's data conversion. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on any schema version
export async function migrateTo(db: Kysely<any>, name: string): Promise<void> {
  const { error } = await new Migrator({ db, provider }).migrateTo(name);
  if (error) throw error instanceof Error ? error : new Error(String(error));
}
