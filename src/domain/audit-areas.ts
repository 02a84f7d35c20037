/**
 * The audit log's actions grouped by what they concern, so that a reader picks "complaints" or "exports of
 * addresses" from a list instead of knowing action names. Each area is the action-name prefixes it covers;
 * an action added later under a known prefix falls into its area by itself.
 */
export const AUDIT_AREAS = {
  complaints: ['complaint.', 'complaints.', 'evidence.download'],
  applications: ['application.', 'applications.'],
  brands: ['brand.'],
  providers: ['provider.', 'api-user.', 'gateway-account.'],
  staff: ['staff.', 'regulator-key.'],
  transparencyLog: ['log.'],
  monitoring: ['dashboard.', 'gateway-alerts.', 'line-closures.', 'retention.', 'anomalies.', 'audit.'],
  exports: ['consents.export.', 'reconciliation.', 'evidence.archive'],
  portal: ['POST /api/portal', 'PUT /api/portal', 'DELETE /api/portal'],
} as const satisfies Record<string, readonly string[]>;

export type AuditArea = keyof typeof AUDIT_AREAS;

export const isAuditArea = (value: unknown): value is AuditArea =>
  typeof value === 'string' && Object.hasOwn(AUDIT_AREAS, value);
