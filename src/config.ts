import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { DEFAULT_UPLOAD_MAX_MB } from './domain/upload-limits.js';
import type { OidcSettings } from './services/oidc-identity.service.js';
import { DEFAULT_API_REQUESTS_PER_SECOND } from './http/rate-limit.js';
import { DEFAULT_ABUSE_LIMITS, type AbuseLimits } from './services/abuse-guard.service.js';
import { DEFAULT_NOTICES_PER_SECOND } from './jobs/send-message.job.js';
import { DEFAULT_ANSWER_BUSINESS_DAYS } from './services/complaint.service.js';
import { DEFAULT_RETENTION } from './services/retention.service.js';

/**
 * What a server process does: `all` serves HTTP and runs the background workers; `api` only serves (scale it
 * out behind a load balancer); `worker` only works the queues (bulk requests, uploads, messages, notices,
 * webhooks, clean-up) and listens on no port.
 */
export type ProcessRole = 'all' | 'api' | 'worker';
const ROLES: readonly ProcessRole[] = ['all', 'api', 'worker'];
const MAX_PROCESSES = 64;
const MAX_ACCEPT_THREADS = 16;

/** Every setting openiys reads from its environment, parsed once. No other module reads process.env. */
export interface Config {
  readonly role: ProcessRole;
  /** Server processes sharing the port (node:cluster); the first runs the role, the others serve only. */
  readonly processes: number;
  /** Threads per process that parse, validate and seal bulk requests beside its event loop (0: inline). */
  readonly acceptThreads: number;
  readonly port: number;
  readonly host: string;
  /** The serving role's connection. Unset → embedded PostgreSQL under `${dataDir}/postgres`. */
  readonly databaseUrl: string | undefined;
  /** The owner's connection, for migrations and grants; unset → DATABASE_URL's role owns and serves. */
  readonly databaseOwnerUrl: string | undefined;
  readonly dataDir: string;
  /** Hex or base64 key material (≥ 32 bytes). Unset → generated into the data dir (embedded mode only). */
  readonly masterKey: string | undefined;
  /**
   * Conveniences for trying openiys locally: the sandbox providers, the outbox page showing every message
   * (sign-in codes included) instead of sending it, a known inbound-SMS secret, loopback webhooks. Never in
   * production: on by default only for the embedded database listening on loopback.
   */
  readonly sandbox: boolean;
  readonly seedDemo: boolean;
  /** Webhooks may target http://127.0.0.1 (sandbox only); otherwise https only. */
  readonly webhookAllowLoopbackHttp: boolean;
  /** Token requests allowed per client address per hour (İYS answers H084 beyond its own limit). */
  readonly tokenRequestsPerHour: number;
  /** Provider API requests per API user and second (İYS answers H124 beyond its own limit). */
  readonly apiRequestsPerSecond: number;
  /** Reverse proxies (addresses or CIDRs) trusted to name the client: OPENIYS_TRUSTED_PROXIES. */
  readonly trustedProxies: string[];
  /** Sign-in codes, İYS Yolu codes and applications allowed per address, network, provider and overall. */
  readonly abuseLimits: AbuseLimits;
  /** The largest consent file the portal accepts, in MB. */
  readonly uploadMaxMb: number;
  /** Business days a company has to answer a complaint naming its brand: OPENIYS_COMPLAINT_ANSWER_DAYS. */
  readonly complaintAnswerDays: number;
  /** OPENIYS_OIDC_*: the national identity provider citizens may sign in with (unset: codes only). */
  readonly oidc: OidcSettings | undefined;
  /** OPENIYS_RETENTION_REFUSAL_DAYS and OPENIYS_RETENTION_OPERATIONAL_DAYS (see retention.service.ts). */
  readonly retention: { refusalDays: number; operationalDays: number };
  /** ONAY notices sent per second at most. */
  readonly noticesPerSecond: number;
  /** Where citizens reach this server; links in SMS and e-mail start with it. */
  readonly publicUrl: string;
  /** smtp(s)://user:pass@host:port; unset → the built-in catcher shown at /dev/outbox (sandbox only). */
  readonly smtpUrl: string | undefined;
  readonly mailFrom: string;
  /** SMS operator HTTP endpoint; unset → the built-in sink shown at /dev/outbox (sandbox only). */
  readonly smsHttpUrl: string | undefined;
  readonly smsHttpAuthorization: string | undefined;
  /** JSON body with {{to}}, {{text}} and {{from}} placeholders (filled JSON-escaped). */
  readonly smsHttpBodyTemplate: string;
  readonly smsSender: string;
  /** Shared secret of the SMS operator calling POST /inbound/sms; unset → the endpoint is off. */
  readonly inboundSmsSecret: string | undefined;
  /** Bearer token for /metrics; unset → open in the sandbox, no /metrics route outside it. */
  readonly metricsToken: string | undefined;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

/** The environment variable of each abuse limit. */
export const ABUSE_LIMIT_VARIABLES: Record<keyof AbuseLimits, string> = {
  codesPerAddressPerHour: 'OPENIYS_CODES_PER_ADDRESS_PER_HOUR',
  codesPerNetworkPerHour: 'OPENIYS_CODES_PER_NETWORK_PER_HOUR',
  codesPerProviderPerHour: 'OPENIYS_CODES_PER_PROVIDER_PER_HOUR',
  codesPerMinute: 'OPENIYS_CODES_PER_MINUTE',
  applicationsPerAddressPerDay: 'OPENIYS_APPLICATIONS_PER_ADDRESS_PER_DAY',
  applicationStorageMb: 'OPENIYS_APPLICATION_STORAGE_MB',
  gatewayRequestsPerSecond: 'OPENIYS_GATEWAY_REQUESTS_PER_SECOND',
  gatewayRecipientsPerMinute: 'OPENIYS_GATEWAY_RECIPIENTS_PER_MINUTE',
  gatewayScanRecipientsPerHour: 'OPENIYS_GATEWAY_SCAN_RECIPIENTS_PER_HOUR',
};

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/** Undefined when unset (or empty), so that the caller picks the default. */
function optionalBoolean(name: string, env: NodeJS.ProcessEnv, problems: string[]): boolean | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  problems.push(`${name} must be true or false, got "${raw}"`);
  return undefined;
}

/** Only these keep a server unreachable from the network; 0.0.0.0, :: or a public name do not. */
const isLoopback = (host: string) =>
  host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);

/** Parses the environment; throws one ConfigError listing every problem at once. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];

  const port = Number(env.PORT ?? '3000');
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    problems.push(`PORT must be an integer between 0 and 65535, got "${env.PORT}"`);
  }

  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push('DATABASE_URL must start with postgres:// or postgresql://');
  }

  const databaseOwnerUrl = env.DATABASE_OWNER_URL?.trim() || undefined;
  if (databaseOwnerUrl && !/^postgres(ql)?:\/\//.test(databaseOwnerUrl)) {
    problems.push('DATABASE_OWNER_URL must start with postgres:// or postgresql://');
  }
  if (databaseOwnerUrl && !databaseUrl)
    problems.push('DATABASE_OWNER_URL needs DATABASE_URL (the serving role)');

  const masterKey = env.OPENIYS_MASTER_KEY?.trim() || undefined;
  if (databaseUrl && !masterKey) {
    problems.push(
      'OPENIYS_MASTER_KEY is required when DATABASE_URL is set (generate one with `openssl rand -hex 32`)',
    );
  }
  if (masterKey && !isLongEnoughKey(masterKey)) {
    problems.push('OPENIYS_MASTER_KEY must be at least 32 bytes, written as 64+ hex digits or base64');
  }

  const tokenRequestsPerHour = Number(env.OPENIYS_TOKEN_REQUESTS_PER_HOUR ?? '600');
  if (!Number.isInteger(tokenRequestsPerHour) || tokenRequestsPerHour < 1) {
    problems.push(
      `OPENIYS_TOKEN_REQUESTS_PER_HOUR must be a positive integer, got "${env.OPENIYS_TOKEN_REQUESTS_PER_HOUR}"`,
    );
  }

  const apiRequestsPerSecond = Number(env.OPENIYS_API_REQUESTS_PER_SECOND ?? DEFAULT_API_REQUESTS_PER_SECOND);
  if (!Number.isInteger(apiRequestsPerSecond) || apiRequestsPerSecond < 1) {
    problems.push(
      `OPENIYS_API_REQUESTS_PER_SECOND must be a positive integer, got "${env.OPENIYS_API_REQUESTS_PER_SECOND}"`,
    );
  }

  const abuseLimits = { ...DEFAULT_ABUSE_LIMITS };
  for (const [setting, name] of Object.entries(ABUSE_LIMIT_VARIABLES) as [keyof AbuseLimits, string][]) {
    const raw = env[name]?.trim();
    if (!raw) continue;
    const value = Number(raw);
    if (Number.isInteger(value) && value >= 1) abuseLimits[setting] = value;
    else problems.push(`${name} must be a positive integer, got "${raw}"`);
  }

  const trustedProxies = (env.OPENIYS_TRUSTED_PROXIES ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  for (const entry of trustedProxies) {
    const [address = '', bits] = entry.split('/');
    if (isIP(address) === 0 || (bits !== undefined && !/^\d{1,3}$/.test(bits)))
      problems.push(`OPENIYS_TRUSTED_PROXIES must list IP addresses or CIDRs, got "${entry}"`);
  }

  const uploadMaxMb = Number(env.OPENIYS_UPLOAD_MAX_MB ?? DEFAULT_UPLOAD_MAX_MB);
  if (!Number.isInteger(uploadMaxMb) || uploadMaxMb < 1 || uploadMaxMb > 2048) {
    problems.push(
      `OPENIYS_UPLOAD_MAX_MB must be an integer from 1 to 2048, got "${env.OPENIYS_UPLOAD_MAX_MB}"`,
    );
  }

  const complaintAnswerDays = wholeNumber(
    env,
    'OPENIYS_COMPLAINT_ANSWER_DAYS',
    DEFAULT_ANSWER_BUSINESS_DAYS,
    1,
    60,
    problems,
  );
  const retention = Object.freeze({
    // Below a year the database function refuses to purge anyway.
    refusalDays: wholeNumber(
      env,
      'OPENIYS_RETENTION_REFUSAL_DAYS',
      DEFAULT_RETENTION.refusalDays,
      365,
      36_500,
      problems,
    ),
    operationalDays: wholeNumber(
      env,
      'OPENIYS_RETENTION_OPERATIONAL_DAYS',
      DEFAULT_RETENTION.operationalDays,
      7,
      3650,
      problems,
    ),
  });

  const noticesPerSecond = Number(env.OPENIYS_NOTICES_PER_SECOND ?? DEFAULT_NOTICES_PER_SECOND);
  if (!Number.isFinite(noticesPerSecond) || noticesPerSecond <= 0 || noticesPerSecond > 10_000) {
    problems.push(
      `OPENIYS_NOTICES_PER_SECOND must be a number above 0 and at most 10000, got "${env.OPENIYS_NOTICES_PER_SECOND}"`,
    );
  }

  const host = env.HOST?.trim() || '127.0.0.1';
  const sandbox = optionalBoolean('OPENIYS_SANDBOX', env, problems) ?? (!databaseUrl && isLoopback(host));
  const oidc = oidcSettings(env, sandbox, problems);
  // Each sandbox convenience is on by default in the sandbox, and refused outside it.
  const sandboxOnly = (name: string) => {
    const value = optionalBoolean(name, env, problems);
    if (value && !sandbox) problems.push(`${name} is a sandbox convenience; it needs OPENIYS_SANDBOX=true`);
    return value ?? sandbox;
  };
  const seedDemo = sandboxOnly('OPENIYS_SEED_DEMO');
  const webhookAllowLoopbackHttp = sandboxOnly('OPENIYS_WEBHOOK_ALLOW_LOOPBACK_HTTP');
  const publicUrl = (
    env.PUBLIC_URL?.trim() || `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`
  ).replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]+/.test(publicUrl))
    problems.push(`PUBLIC_URL must be an http(s) URL, got "${env.PUBLIC_URL}"`);
  const smtpUrl = env.SMTP_URL?.trim() || undefined;
  if (smtpUrl && !/^smtps?:\/\//.test(smtpUrl)) problems.push('SMTP_URL must start with smtp:// or smtps://');
  const smsHttpUrl = env.SMS_HTTP_URL?.trim() || undefined;
  if (smsHttpUrl && !/^https?:\/\//.test(smsHttpUrl)) problems.push('SMS_HTTP_URL must be an http(s) URL');
  const smsHttpBodyTemplate =
    env.SMS_HTTP_BODY_TEMPLATE?.trim() || '{"from":"{{from}}","to":"{{to}}","text":"{{text}}"}';
  if (!smsHttpBodyTemplate.includes('{{to}}') || !smsHttpBodyTemplate.includes('{{text}}')) {
    problems.push('SMS_HTTP_BODY_TEMPLATE must contain {{to}} and {{text}}');
  }
  if (!sandbox) {
    // Outside the sandbox there is no catcher: a message that cannot be sent must not start the registry.
    if (!smtpUrl) problems.push('SMTP_URL is required outside the sandbox (e-mail notices and codes)');
    if (!smsHttpUrl) problems.push('SMS_HTTP_URL is required outside the sandbox (SMS notices and codes)');
  }
  // The sandbox accepts inbound SMS with a documented secret, so that it can be tried at once.
  const inboundSmsSecret =
    env.OPENIYS_INBOUND_SMS_SECRET?.trim() || (sandbox ? 'sandbox-inbound-sms-secret' : undefined);

  const metricsToken = env.OPENIYS_METRICS_TOKEN?.trim() || undefined;
  if (metricsToken && metricsToken.length < 32) {
    problems.push('OPENIYS_METRICS_TOKEN must be at least 32 characters (e.g. `openssl rand -hex 32`)');
  }

  const role = (env.OPENIYS_ROLE?.trim() || 'all') as ProcessRole;
  if (!ROLES.includes(role)) problems.push(`OPENIYS_ROLE must be one of ${ROLES.join(', ')}, got "${role}"`);

  // One process per core by default: the gateway's checks are CPU-bound (an HMAC per recipient).
  const processes = Number(env.OPENIYS_PROCESSES ?? Math.min(availableParallelism(), MAX_PROCESSES));
  if (!Number.isInteger(processes) || processes < 1 || processes > MAX_PROCESSES) {
    problems.push(
      `OPENIYS_PROCESSES must be an integer from 1 to ${MAX_PROCESSES}, got "${env.OPENIYS_PROCESSES}"`,
    );
  }

  // Measured on 2 cores: an accept thread there only competes with the event loop and the database for the
  // same cores (applied rate unchanged, accepting slower), so it starts only where there are cores to spare.
  const acceptThreads = Number(env.OPENIYS_ACCEPT_THREADS ?? (availableParallelism() > 2 ? 1 : 0));
  if (!Number.isInteger(acceptThreads) || acceptThreads < 0 || acceptThreads > MAX_ACCEPT_THREADS) {
    problems.push(
      `OPENIYS_ACCEPT_THREADS must be an integer from 0 to ${MAX_ACCEPT_THREADS}, got "${env.OPENIYS_ACCEPT_THREADS}"`,
    );
  }

  const logLevel = (env.LOG_LEVEL ?? 'info') as Config['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) {
    problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${env.LOG_LEVEL}"`);
  }

  if (problems.length > 0) throw new ConfigError(problems);

  return Object.freeze({
    role,
    processes: role === 'worker' ? 1 : processes,
    acceptThreads,
    port,
    host,
    databaseUrl,
    databaseOwnerUrl,
    dataDir: path.resolve(env.OPENIYS_DATA_DIR?.trim() || './data'),
    masterKey,
    sandbox,
    seedDemo,
    webhookAllowLoopbackHttp,
    tokenRequestsPerHour,
    apiRequestsPerSecond,
    abuseLimits: Object.freeze(abuseLimits),
    trustedProxies,
    uploadMaxMb,
    complaintAnswerDays,
    retention,
    oidc,
    noticesPerSecond,
    publicUrl,
    smtpUrl,
    mailFrom: env.MAIL_FROM?.trim() || 'İYS <bildirim@openiys.local>',
    smsHttpUrl,
    smsHttpAuthorization: env.SMS_HTTP_AUTHORIZATION?.trim() || undefined,
    smsHttpBodyTemplate,
    smsSender: env.SMS_SENDER?.trim() || 'IYS',
    inboundSmsSecret,
    metricsToken,
    logLevel,
  });
}

function isLongEnoughKey(raw: string): boolean {
  if (/^[0-9a-f]+$/i.test(raw)) return raw.length >= 64;
  return Buffer.from(raw, 'base64').length >= 32;
}

/** A whole-number setting within [min, max], its default when unset; a problem is listed otherwise. */
function wholeNumber(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  min: number,
  max: number,
  problems: string[],
): number {
  const raw = env[name];
  const value = raw === undefined || raw.trim() === '' ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    problems.push(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
    return fallback;
  }
  return value;
}

/** The identity provider, when OPENIYS_OIDC_ISSUER names one; its client id is then required. */
function oidcSettings(
  env: NodeJS.ProcessEnv,
  sandbox: boolean,
  problems: string[],
): OidcSettings | undefined {
  const issuer = env.OPENIYS_OIDC_ISSUER?.trim();
  if (!issuer) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(issuer);
  } catch {
    problems.push(`OPENIYS_OIDC_ISSUER must be a URL, got "${issuer}"`);
  }
  const clientId = env.OPENIYS_OIDC_CLIENT_ID?.trim();
  if (!clientId) problems.push('OPENIYS_OIDC_CLIENT_ID is required with OPENIYS_OIDC_ISSUER');
  if (url && url.protocol !== 'https:' && !sandbox)
    problems.push('OPENIYS_OIDC_ISSUER must be https outside the sandbox');
  return Object.freeze({
    issuer,
    clientId: clientId ?? '',
    clientSecret: env.OPENIYS_OIDC_CLIENT_SECRET || undefined,
    name: env.OPENIYS_OIDC_NAME?.trim() || 'e-Devlet',
    idClaim: env.OPENIYS_OIDC_ID_CLAIM?.trim() || 'sub',
    linesClaim: env.OPENIYS_OIDC_LINES_CLAIM?.trim() || undefined,
    scopes: env.OPENIYS_OIDC_SCOPES?.trim() || 'openid email phone',
    allowHttp: url?.protocol === 'http:' && sandbox,
  });
}
