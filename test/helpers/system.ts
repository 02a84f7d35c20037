import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { after, before } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import pino from 'pino';
import { formatWireDate } from '../../src/domain/wire-date.js';
import type { WebhookDeliveryOptions } from '../../src/jobs/webhook-delivery.job.js';
import type { HostLookup } from '../../src/net/public-destination.js';
import type { AbuseLimits } from '../../src/services/abuse-guard.service.js';
import { createSystem, SANDBOX_MESSAGING, type System, type SystemOptions } from '../../src/system.js';
import { createTestDatabase, type TestDatabase } from './database.js';

export interface TestSystem {
  system: System;
  app: FastifyInstance;
  database: TestDatabase;
  /** Every log line the system wrote, for assertions about what never reaches a log. */
  logLines: string[];
  token(username?: string, password?: string): Promise<string>;
  close(): Promise<void>;
}

export const DEMO = {
  iysCode: 700001,
  brandCode: 700010,
  secondBrandCode: 700011,
  username: 'demo',
  password: 'demo-password-123',
};
export const OTHER = {
  iysCode: 700002,
  brandCode: 700020,
  username: 'other',
  password: 'other-password-123',
};

const UNREACHED_ABUSE_LIMITS: AbuseLimits = {
  codesPerAddressPerHour: 1e6,
  codesPerNetworkPerHour: 1e6,
  codesPerProviderPerHour: 1e6,
  codesPerMinute: 1e6,
  applicationsPerAddressPerDay: 1e6,
  applicationStorageMb: 1e6,
  gatewayRequestsPerSecond: 1e6,
  gatewayRecipientsPerMinute: 1e9,
  gatewayScanRecipientsPerHour: 1e9,
};

/** The whole system on a fresh database with the sandbox seed, logging at debug level into memory. */
export async function startTestSystem(
  options: {
    clock?: () => Date;
    workers?: boolean;
    tokenRequestsPerHour?: number;
    /** Default: no practical limit (tests that are not about it send bursts). */
    apiRequestsPerSecond?: number;
    /** Default: none that a test would reach, unless the test is about them. */
    abuseLimits?: Partial<AbuseLimits>;
    uploadMaxBytes?: number;
    /** Rows an upload applies per batch (tests that stop an upload between batches lower it). */
    uploadRowsPerBatch?: number;
    noticesPerSecond?: number;
    /** An SMS operator to send to instead of the sandbox sink (e-mail still goes to the sandbox). */
    smsHttpUrl?: string;
    webhookDelivery?: WebhookDeliveryOptions;
    /** Webhooks to the loopback interface allowed, as in the sandbox (default true). */
    webhookAllowLoopback?: boolean;
    /** Scripted DNS answers for webhook host names (the public internet is out of a test's reach). */
    webhookLookup?: HostLookup;
    metricsAccess?: SystemOptions['metricsAccess'];
    /** The identity provider citizens may sign in with. */
    oidc?: SystemOptions['oidc'];
    /** Thresholds of the suspicious-submission rules (tests lower them). */
    anomalyLimits?: SystemOptions['anomalyLimits'];
    /** A database the test prepared itself (default: a fresh clone of the run's template). */
    database?: TestDatabase;
  } = {},
): Promise<TestSystem> {
  const database = options.database ?? (await createTestDatabase());
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  const system = await createSystem({
    databaseUrl: database.url,
    masterKey: randomBytes(32),
    logger: pino({ level: 'debug' }, sink),
    clock: options.clock,
    workers: options.workers,
    tokenRequestsPerHour: options.tokenRequestsPerHour,
    apiRequestsPerSecond: options.apiRequestsPerSecond ?? 1e6,
    // Bulk requests go through an accept thread in every test, as on a server with cores to spare.
    acceptThreads: 1,
    abuseLimits: { ...UNREACHED_ABUSE_LIMITS, ...options.abuseLimits },
    uploadMaxBytes: options.uploadMaxBytes,
    uploadRowsPerBatch: options.uploadRowsPerBatch,
    noticesPerSecond: options.noticesPerSecond,
    messaging: { ...SANDBOX_MESSAGING, smsHttpUrl: options.smsHttpUrl },
    webhooks: {
      allowLoopbackHttp: options.webhookAllowLoopback ?? true,
      delivery: options.webhookDelivery,
      lookup: options.webhookLookup,
    },
    metricsAccess: options.metricsAccess,
    anomalyLimits: options.anomalyLimits,
    oidc: options.oidc,
  });
  await system.providerAdmin.seedDemo();
  return {
    system,
    app: system.app,
    database,
    logLines,
    async token(username = DEMO.username, password = DEMO.password) {
      const response = await system.app.inject({
        method: 'POST',
        url: '/oauth2/token',
        payload: { grant_type: 'password', username, password },
      });
      if (response.statusCode !== 200) throw new Error(`token request failed: ${response.body}`);
      return response.json().access_token as string;
    },
    async close() {
      await system.close();
      await database.drop();
    },
  };
}

/** A consentDate a minute ago, in İYS wire format: inside every deadline. */
export function recentWireDate(offsetMs = 60_000, now = new Date()): string {
  return formatWireDate(new Date(now.getTime() - offsetMs));
}

/**
 * Sends one consent through the provider API as a company would (BIREYSEL, ONAY, HS_WEB, a minute ago
 * unless `consent` says otherwise); the answer is the caller's to judge.
 */
export function postConsent(
  t: Pick<TestSystem, 'app'>,
  token: string,
  consent: Record<string, unknown>,
  brand: { iysCode: number; brandCode: number } = DEMO,
) {
  return t.app.inject({
    method: 'POST',
    url: `/sps/${brand.iysCode}/brands/${brand.brandCode}/consents`,
    headers: { authorization: `Bearer ${token}` },
    payload: {
      recipientType: 'BIREYSEL',
      status: 'ONAY',
      source: 'HS_WEB',
      consentDate: recentWireDate(),
      ...consent,
    },
  });
}

/** postConsent, failing the test if the registry refuses it. */
export async function recordConsent(
  t: Pick<TestSystem, 'app'>,
  token: string,
  consent: Record<string, unknown>,
  brand: { iysCode: number; brandCode: number } = DEMO,
): Promise<void> {
  const response = await postConsent(t, token, consent, brand);
  assert.equal(response.statusCode, 200, response.body);
}

/** Sends one bulk request to the demo brand; fails the test if it is not accepted. Returns the request's id. */
export async function acceptBulk(
  t: Pick<TestSystem, 'app'>,
  token: string,
  items: object[],
): Promise<string> {
  const response = await t.app.inject({
    method: 'POST',
    url: `/sps/${DEMO.iysCode}/brands/${DEMO.brandCode}/consents/request`,
    headers: { authorization: `Bearer ${token}` },
    payload: items,
  });
  assert.equal(response.statusCode, 200, response.body);
  return response.json().requestId;
}

/** An item of a bulk request: BIREYSEL, MESAJ, ONAY, HS_WEB, two minutes ago, unless `over` says otherwise. */
export function bulkItem(
  recipient: string,
  over: Record<string, unknown> = {},
): { recipient: string } & Record<string, unknown> {
  return {
    recipient,
    recipientType: 'BIREYSEL',
    type: 'MESAJ',
    status: 'ONAY',
    source: 'HS_WEB',
    consentDate: recentWireDate(120_000),
    ...over,
  };
}

/**
 * Sends one bulk request of ONAYs (bulkItem), one per recipient, to the demo brand; fails the test if it is
 * not accepted. Returns the request's id.
 */
export async function acceptOnays(
  t: Pick<TestSystem, 'app'>,
  token: string,
  recipients: string[],
): Promise<string> {
  return acceptBulk(
    t,
    token,
    recipients.map((recipient) => bulkItem(recipient)),
  );
}

/**
 * The test database as its owner, for what the serving role may not do: migrate, change history by hand,
 * read the catalog. Destroy it before the system closes.
 */
export function ownerDatabase(t: Pick<TestSystem, 'database'>): Kysely<unknown> {
  return new Kysely({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: t.database.ownerUrl }) }),
  });
}

/**
 * A test file's system with the database owner's connection and a token, for tests that migrate down and up
 * again: started before the file's tests, closed after them. Read its fields inside the tests.
 */
export function migratingSystem(): { t: TestSystem; owner: Kysely<unknown>; token: string } {
  const state = {} as { t: TestSystem; owner: Kysely<unknown>; token: string };
  before(async () => {
    state.t = await startTestSystem({ workers: false });
    state.owner = ownerDatabase(state.t);
    state.token = await state.t.token();
  });
  after(async () => {
    await state.owner.destroy();
    await state.t.close();
  });
  return state;
}

export interface Movement {
  recipient: string;
  recipientType: string;
  type: string;
  status: string;
  source: string;
  transactionId: string;
}

/** The citizen-side movements a provider sees in its changes feed (`source=IYS`), first page. */
export async function citizenChanges(
  t: Pick<TestSystem, 'app'>,
  token: string,
  brand: { iysCode: number; brandCode: number } = DEMO,
): Promise<Movement[]> {
  const response = await t.app.inject({
    method: 'GET',
    url: `/sps/${brand.iysCode}/brands/${brand.brandCode}/consents/changes?source=IYS`,
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(response.statusCode, 200, response.body);
  return response.json().list;
}
