import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { FieldCipher } from '../../crypto/field-cipher.js';
import { createReceiptBatcher } from '../../crypto/receipt-batcher.js';
import { hashJson, hashText, type ReceiptSigner } from '../../crypto/receipt-signer.js';
import type { SignedTreeHead } from '../transparency-log.service.js';
import {
  CONSENT_TYPES,
  RECIPIENT_TYPES,
  isOneOf,
  type ConsentType,
  type RecipientType,
} from '../../domain/consent.js';
import { IysRequestError, iysError, type IysErrorItem } from '../../domain/iys-errors.js';
import { checkTypeMatchesRecipient } from '../../domain/recipient.js';
import { turkeyDay } from '../../domain/wire-date.js';
import type { GatewayRepository } from '../../repositories/gateway.repository.js';
import type { ProviderRepository } from '../../repositories/provider.repository.js';
import { decideCheck } from './check-decision.js';
import { createGatewayAccounts, type GatewayAccount } from './gateway-accounts.js';
import { createGatewayGuard, denseShareOf, type GatewayLimits, type RequestShape } from './scan-guard.js';
import { parseGatewayRecipient, receiptRequest, wireItem, type CheckItem } from './check-items.js';
import { unpackConsent } from './consent-index.js';
import { createIndexSync } from './index-sync.js';

export type { GatewayAccount } from './gateway-accounts.js';

export const MAX_AHS_RECIPIENTS = 1000;
export const MAX_CHECK_RECIPIENTS = 10_000;

export interface CheckOutcome {
  account: GatewayAccount;
  brandCode: number;
  type: ConsentType;
  recipientType: RecipientType | null;
  recipients: unknown[];
  checkedAt: Date;
  items: CheckItem[];
}

const BRAND_CACHE_MS = 30_000;
const COUNT_FLUSH_MS = 5000;
const LOG_HEAD_REFRESH_MS = 1000;

/**
 * Send-time checks for message gateways (AHS). Answers come from an in-process index of the current consent
 * state, loaded at start and kept fresh from the database's change stream (LISTEN/NOTIFY); whatever the
 * index does not hold is looked up in one batched query per request. Each answer carries a signed receipt.
 */
export function createGatewayService(deps: {
  gateway: GatewayRepository;
  databaseUrl: string;
  providers: ProviderRepository;
  cipher: FieldCipher;
  signer: ReceiptSigner;
  /** The transparency log's latest signed head: every receipt carries the one current at the check. */
  latestLogHead?: () => Promise<SignedTreeHead | undefined>;
  logger: Logger;
  limits: GatewayLimits;
  onChecked?: (allowed: number, blocked: number) => void;
  clock?: () => Date;
}) {
  const { gateway, providers, cipher, signer, logger, clock = () => new Date() } = deps;
  const guard = createGatewayGuard(deps.limits, clock);
  const sync = createIndexSync({ gateway, databaseUrl: deps.databaseUrl, logger });
  const { index } = sync;
  const receipts = createReceiptBatcher(signer);
  const accounts = createGatewayAccounts(gateway);
  // Brands change rarely and every check names one: a short-lived cache keeps the hot path off the database.
  const brands = new Map<number, { brand: { id: number; brand_code: number } | undefined; until: number }>();

  async function findBrand(brandCode: unknown) {
    if (typeof brandCode !== 'number' || !Number.isSafeInteger(brandCode)) return undefined;
    const cached = brands.get(brandCode);
    if (cached && cached.until > Date.now()) return cached.brand;
    const found = await providers.findBrandByCode(brandCode);
    const brand = found && { id: found.id, brand_code: found.brand_code };
    if (brands.size > 100_000) brands.clear();
    brands.set(brandCode, { brand, until: Date.now() + BRAND_CACHE_MS });
    return brand;
  }
  // Checks per Türkiye day, counted in memory and added to the database every few seconds (not per request).
  const pendingCounts = new Map<string, { allowed: number; blocked: number }>();
  let flushTimer: NodeJS.Timeout | undefined;
  // Read once a second, not per check: the sequencer signs at most that often.
  let logHead: SignedTreeHead | undefined;
  let logHeadTimer: NodeJS.Timeout | undefined;
  async function refreshLogHead(): Promise<void> {
    logHead = (await deps.latestLogHead?.().catch(() => logHead)) ?? logHead;
  }

  async function flushCounts(): Promise<void> {
    const entries = [...pendingCounts.entries()];
    pendingCounts.clear();
    for (const [day, counts] of entries) {
      await gateway.addCheckCounts(day, counts.allowed, counts.blocked).catch((error: unknown) => {
        const kept = pendingCounts.get(day) ?? { allowed: 0, blocked: 0 };
        pendingCounts.set(day, {
          allowed: kept.allowed + counts.allowed,
          blocked: kept.blocked + counts.blocked,
        });
        logger.warn({ err: error }, 'gateway check counts not saved; will retry');
      });
    }
  }

  /** Keeps a suspected range scan for the regulator (its console lists them) and logs it. */
  async function raiseScanAlert(
    account: GatewayAccount,
    brandCode: number,
    type: string,
    shape: RequestShape,
  ) {
    const details = {
      brandCode,
      type,
      recipients: shape.recipients,
      unknownShare: Math.round((shape.unknown / shape.recipients) * 1000) / 1000,
      denseShare: Math.round(shape.denseShare * 1000) / 1000,
    };
    logger.warn(
      { accountId: account.id, ...details },
      'gateway account throttled: suspected number-range scan',
    );
    await gateway
      .insertAlert({ accountId: account.id, kind: 'range-scan', at: clock(), details })
      .catch((error: unknown) => logger.error({ err: error }, 'gateway alert not saved'));
  }

  async function check(
    account: GatewayAccount,
    request: { brandCode: unknown; type: unknown; recipientType?: unknown; recipients: unknown },
    limit: number,
  ): Promise<CheckOutcome> {
    const errors: IysErrorItem[] = [];
    if (!isOneOf(CONSENT_TYPES, request.type))
      errors.push(iysError('H117', { location: ['type'], value: request.type }));
    if (
      request.recipientType !== undefined &&
      request.recipientType !== null &&
      !isOneOf(RECIPIENT_TYPES, request.recipientType)
    ) {
      errors.push(iysError('H116', { location: ['recipientType'], value: request.recipientType }));
    }
    const { recipients } = request;
    if (!Array.isArray(recipients)) errors.push(iysError('H168', { location: ['recipients'] }));
    else if (recipients.length === 0) errors.push(iysError('H164', { location: ['recipients'] }));
    else if (recipients.length > limit) {
      errors.push(
        limit === MAX_AHS_RECIPIENTS
          ? iysError('H125', { location: ['recipients'] })
          : iysError('H932', { location: ['recipients'], value: recipients.length }),
      );
    }
    const brand = await findBrand(request.brandCode);
    if (!brand) errors.push(iysError('H930', { location: ['brandCode'], value: request.brandCode }));
    if (errors.length > 0 || !brand) throw new IysRequestError(errors);
    const type = request.type as ConsentType;
    if (!account.channels.includes(type))
      throw IysRequestError.of('H931', { location: ['type'], value: type });
    const recipientType = (request.recipientType ?? null) as RecipientType | null;
    guard.admit(account.id, (recipients as unknown[]).length);

    // Parse, then answer from the index: one look-up per recipient and recipient type that has entries,
    // and one batched query for whatever the index does not hold.
    const addresses: string[] = [];
    const parsed = (recipients as unknown[]).map(
      (value, i): { value: unknown; id?: string; error?: IysErrorItem } => {
        const result = parseGatewayRecipient(value, ['recipients', i]);
        if (!result.ok) return { value, error: result.error };
        const mismatch = checkTypeMatchesRecipient(type, result.kind, result.address);
        if (mismatch) return { value, error: { ...mismatch, location: ['recipients', i] } };
        addresses.push(result.address);
        return { value, id: cipher.blindIndexId(result.address) };
      },
    );
    let entries = index.channel(brand.id, type);
    const individual: Array<number | undefined> = [];
    const trader: Array<number | undefined> = [];
    const misses: string[] = [];
    parsed.forEach((p, i) => {
      if (p.id === undefined) return;
      individual[i] = entries.individual?.get(p.id);
      trader[i] = entries.trader?.get(p.id);
      if (individual[i] === undefined && trader[i] === undefined) misses.push(p.id);
    });
    if (misses.length > 0) {
      const rows = await gateway.findStates(
        brand.id,
        type,
        misses.map((id) => Buffer.from(id, 'latin1')),
      );
      for (const row of rows) sync.apply(row);
      if (rows.length > 0) {
        entries = index.channel(brand.id, type);
        parsed.forEach((p, i) => {
          if (p.id === undefined || individual[i] !== undefined || trader[i] !== undefined) return;
          individual[i] = entries.individual?.get(p.id);
          trader[i] = entries.trader?.get(p.id);
        });
      }
    }

    let allowed = 0;
    let unknown = 0;
    const items: CheckItem[] = parsed.map((p, i) => {
      if (p.error) return { recipient: p.value, error: p.error };
      const [ofIndividual, ofTrader] = [individual[i], trader[i]];
      if (ofIndividual === undefined && ofTrader === undefined) unknown++;
      const decision = decideCheck(
        ofIndividual === undefined ? undefined : unpackConsent(ofIndividual),
        ofTrader === undefined ? undefined : unpackConsent(ofTrader),
        recipientType ?? undefined,
      );
      if (decision.allowed) allowed++;
      return { recipient: p.value, decision };
    });
    const shape = { recipients: addresses.length, unknown, denseShare: denseShareOf(addresses) };
    const verdict = guard.judge(account.id, shape);
    if (verdict.refused) {
      if (verdict.report) await raiseScanAlert(account, brand.brand_code, type, shape);
      throw verdict.refused;
    }
    deps.onChecked?.(allowed, items.length - allowed);
    const day = turkeyDay(clock());
    const counts = pendingCounts.get(day) ?? { allowed: 0, blocked: 0 };
    pendingCounts.set(day, {
      allowed: counts.allowed + allowed,
      blocked: counts.blocked + items.length - allowed,
    });

    return {
      account,
      brandCode: brand.brand_code,
      type,
      recipientType,
      recipients: recipients as unknown[],
      checkedAt: clock(),
      items,
    };
  }

  /**
   * The receipt of an answer: who asked, for which brand and channel, when, and SHA-256 hashes of the request
   * ({brandCode, type, recipientType, recipients}) and of the results' JSON exactly as sent, signed in a
   * batch with the other answers of the same moment (receipt-batcher.ts).
   */
  function receiptFor(outcome: CheckOutcome, kind: 'check' | 'ahs-rejected', resultsJson: string) {
    return receipts.receiptFor({
      iss: 'openiys',
      kind,
      sub: `ahs:${outcome.account.id}`,
      name: outcome.account.name,
      jti: randomUUID(),
      iat: Math.floor(outcome.checkedAt.getTime() / 1000),
      brandCode: outcome.brandCode,
      type: outcome.type,
      recipientType: outcome.recipientType,
      req: hashJson(receiptRequest(outcome)),
      res: hashText(resultsJson),
      // The registry state the sender was shown: prove later, by a consistency proof, what it held then.
      ...(logHead ? { sth: logHead } : {}),
    });
  }

  return {
    index,
    async start(): Promise<void> {
      await sync.start();
      await refreshLogHead();
      flushTimer = setInterval(() => void flushCounts(), COUNT_FLUSH_MS).unref();
      logHeadTimer = setInterval(() => void refreshLogHead(), LOG_HEAD_REFRESH_MS).unref();
    },
    async stop(): Promise<void> {
      clearInterval(flushTimer);
      clearInterval(logHeadTimer);
      await flushCounts();
      await sync.stop();
    },
    flushCounts,
    authenticate: accounts.authenticate,
    addAccount: accounts.addAccount,

    /**
     * The richer check: up to 10,000 recipients, each with allowed, reason and since. The results are
     * serialised once: the receipt hashes exactly the JSON text the answer carries.
     */
    async check(account: GatewayAccount, body: unknown) {
      const outcome = await check(account, (body ?? {}) as Parameters<typeof check>[1], MAX_CHECK_RECIPIENTS);
      const resultsJson = JSON.stringify(outcome.items.map((item) => wireItem(item, account.seesDetail)));
      return { outcome, resultsJson, receipt: await receiptFor(outcome, 'check', resultsJson) };
    },

    /** The İYS AHS twin: of up to 1000 recipients, those that must not receive the message. */
    async rejected(
      account: GatewayAccount,
      brandCode: string,
      recipientType: string,
      type: string,
      body: unknown,
    ) {
      if (!isOneOf(RECIPIENT_TYPES, recipientType)) {
        throw IysRequestError.of('H503', {
          location: ['recipientType'],
          value: recipientType,
          vars: { value: recipientType },
        });
      }
      const recipients = (body as { recipients?: unknown } | null)?.recipients;
      const outcome = await check(
        account,
        {
          brandCode: /^\d{1,10}$/.test(brandCode) ? Number(brandCode) : brandCode,
          type,
          recipientType,
          recipients,
        },
        MAX_AHS_RECIPIENTS,
      );
      // Anything not positively allowed, malformed addresses included, must not receive the message.
      const listJson = JSON.stringify(
        outcome.items.filter((i) => !('decision' in i) || !i.decision.allowed).map((i) => i.recipient),
      );
      return { listJson, receipt: await receiptFor(outcome, 'ahs-rejected', listJson) };
    },

    keys: () => ({ keys: [signer.publicJwk] }),

    /** The latest suspected scans, for the regulator's console. */
    alerts: () => gateway.listAlerts(200),
  };
}

export type GatewayService = ReturnType<typeof createGatewayService>;
