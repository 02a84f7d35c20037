import type { AnomalyLimits } from './domain/upload-anomalies.js';
import type { OidcSettings } from './services/oidc-identity.service.js';
import type { RetentionSettings } from './services/retention.service.js';
import type { Logger } from 'pino';
import type { WebhookDeliveryOptions } from './jobs/webhook-delivery.job.js';
import type { MessagingOptions } from './messaging.js';
import type { HostLookup } from './net/public-destination.js';
import type { AbuseLimits } from './services/abuse-guard.service.js';

/** What the composition root (createSystem) is told: where the database is, the keys, and the settings. */
export interface SystemOptions {
  databaseUrl: string;
  masterKey: Buffer;
  logger: Logger;
  clock?: () => Date;
  /** Start the background workers (bulk processing, messages, maintenance); off for CLI commands. */
  workers?: boolean;
  /** Writers of one brand's bulk requests at a time (1 or 2, the default); `bench -- ingest --parallel`. */
  bulkWriters?: 1 | 2;
  /** Threads that parse, validate and seal bulk requests beside the event loop (default 0: inline). */
  acceptThreads?: number;
  /**
   * Keep the serving side live: the gateway's index and its change stream (default on). Off for CLI commands
   * and worker-only processes, which answer no checks.
   */
  serve?: boolean;
  tokenRequestsPerHour?: number;
  /** Provider API requests per API user and second (default 50). */
  apiRequestsPerSecond?: number;
  /** The largest consent file the portal accepts (default 200 MB). */
  uploadMaxBytes?: number;
  /** Rows a consent upload applies per batch (default 10,000; tests lower it). */
  uploadRowsPerBatch?: number;
  /** Business days a company has to answer a complaint (default 10). */
  complaintAnswerDays?: number;
  /** How long ended consents and finished operational rows are kept (default DEFAULT_RETENTION). */
  retention?: RetentionSettings;
  /** Sign-in with a national identity provider (OpenID Connect), beside one-time codes; off when unset. */
  oidc?: OidcSettings;
  /** Thresholds of the suspicious-submission rules (default ANOMALY_LIMITS; tests lower them). */
  anomalyLimits?: Partial<AnomalyLimits>;
  /** Reverse proxies trusted to name the client in X-Forwarded-For (addresses or CIDRs). */
  trustedProxies?: string[];
  /** Limits on codes, applications and the like (default DEFAULT_ABUSE_LIMITS). */
  abuseLimits?: Partial<AbuseLimits>;
  /** ONAY notices sent per second at most (default 50); other messages are not paced. */
  noticesPerSecond?: number;
  /** How messages leave (real adapters, or the sandbox's catcher): stated by every caller, never assumed. */
  messaging: MessagingOptions;
  webhooks?: {
    /** Accept http://127.0.0.1 endpoints (the sandbox); otherwise https to public addresses only. */
    allowLoopbackHttp?: boolean;
    delivery?: WebhookDeliveryOptions;
    /** How endpoint names resolve; default the system resolver (tests script public and private answers). */
    lookup?: HostLookup;
  };
  /** Who may read /metrics; default: anyone in the sandbox, nobody (no route) outside it. */
  metricsAccess?: { token: string } | 'open' | 'off';
  /** Directory of the built web app, served at / (omitted in API-only tests). */
  webRoot?: string;
}
