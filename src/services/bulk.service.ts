import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../db/types.js';
import { IysRequestError } from '../domain/iys-errors.js';
import { laneOf } from '../domain/write-lanes.js';
import { isLaneLeft, type BulkRequestRepository } from '../repositories/bulk-request.repository.js';
import type { BulkPreparer } from './bulk-accept/accept-pool.js';
import type { StoredItem } from '../db/packed-items.js';
import type { ProviderRepository } from '../repositories/provider.repository.js';
import {
  identityKey,
  lockForWrite,
  withRefusalsOneByOne,
  type BatchWriter,
  type NoticeQueue,
  type SealedConsent,
  type WriterDeps,
} from './consent-writer.js';
import { allowedChannels, type BrandScope } from './tenancy.service.js';
import { isUuid } from '../domain/uuid.js';

/**
 * How much one transaction applies: requests are joined up to this many items (and GROUP_REQUESTS
 * requests), as a transaction's fixed cost — the lock hand-over, the commit, a statement's planning and
 * round trip — is then paid once per thousands of rows instead of once per request.
 */
const GROUP_ITEMS = 10_000;
const GROUP_REQUESTS = 50;

/** A stored request and its answer (BulkAcceptedResponse) as JSON, ready to send. */
export interface AcceptedBulk {
  requestId: string;
  answerJson: string;
}

export interface BulkItemResult {
  index: number;
  status: 'success' | 'failure' | 'enqueue';
  subrequestId: string;
  transactionId?: string;
  creationDate?: Date;
  error?: { code: string; message: string };
}

/** Hands an accepted request to the background worker. */
export interface BulkQueue {
  enqueue(requestId: string): Promise<void>;
}

export interface BulkServiceDeps {
  db: Kysely<Database>;
  bulkRequests: BulkRequestRepository;
  writer: WriterDeps;
  providers: ProviderRepository;
  /** Parses, validates and seals accepted requests (on the accept threads). */
  preparer: Pick<BulkPreparer, 'prepare'>;
  queue: BulkQueue;
  notices: NoticeQueue;
  /** Write lanes of one brand applied at the same time: 2 (the default) or 1 (one writer; benchmarks). */
  writers?: 1 | 2;
  /** Told when the database refuses a lane's data (see applyLaneOrItems). */
  logger?: Pick<Logger, 'error'>;
  clock?: () => Date;
}

export function createBulkService(deps: BulkServiceDeps) {
  const { db, bulkRequests, writer, providers, preparer, queue, notices, writers = 2, logger } = deps;
  const { clock = () => new Date() } = deps;
  /** The run of each brand's backlog under way in this process (see processBulkRequest). */
  const brandRuns = new Map<number, Promise<number>>();

  /**
   * Applies one lane's items of a group, those of requests whose lane is still left, in one transaction,
   * with `write` (see withRefusalsOneByOne).
   */
  async function applyLane(
    brandId: number,
    activatedAt: Date | null,
    lane: number,
    laneItems: GroupItem[],
    write: BatchWriter,
  ): Promise<number> {
    const { count, noticed } = await db.transaction().execute(async (trx) => {
      // The lane's lock first: whoever holds it sees the lanes its last holder finished.
      const lock = await lockForWrite(trx, writer, [
        { brandId, recipientKeys: [laneItems[0]!.consent.recipientKey] },
      ]);
      const ids = [...new Set(laneItems.map((item) => item.request.id))];
      const left = await bulkRequests.withLaneLeft(trx, ids, lane);
      const pending = laneItems.filter((item) => left.has(item.request.id));
      const now = clock();
      const failures: Array<{ request_id: string; item: number; code: string; message: string }> = [];
      let noticed = 0;
      // A batch holds each identity once; a person named again by a later request starts the next.
      for (const segment of uniqueIdentitySegments(pending)) {
        const written = await write(trx, writer, lock, {
          brandId,
          activatedAt: activatedAt ?? segment[0]!.request.accepted_at,
          receivedAt: segment[0]!.request.accepted_at,
          now,
          actor: { kind: 'provider', id: null },
          consents: segment.map((p) => p.consent),
        });
        noticed += written.notices;
        written.outcomes.forEach((outcome, n) => {
          if (outcome.ok) return;
          const { request, i } = segment[n]!;
          const { code, message } = outcome.errors[0]!;
          failures.push({ request_id: request.id, item: i, code, message });
        });
      }
      await bulkRequests.finishLane(trx, { ids: [...left], lane, appliedAt: now }, failures);
      return { count: pending.length, noticed };
    });
    if (noticed > 0) await notices.wake();
    return count;
  }

  /**
   * Applies a lane's items; an item the database refuses fails with H923 and the rest are applied
   * (withRefusalsOneByOne), so it no longer holds every later request of its brand. The lane is still
   * finished in the transaction that applies it: exactly once.
   */
  const applyLaneOrItems = (
    brandId: number,
    activatedAt: Date | null,
    lane: number,
    laneItems: GroupItem[],
  ): Promise<number> =>
    withRefusalsOneByOne(
      (write) => applyLane(brandId, activatedAt, lane, laneItems, write),
      (error) =>
        logger?.error(
          { err: error, brandId, lane, requests: [...new Set(laneItems.map((item) => item.request.id))] },
          'the database refused a bulk lane; applying its items one by one',
        ),
    );

  /** Applies the brand's oldest requests, GROUP_ITEMS at a time, until `requestId` is applied. */
  async function applyBacklog(brandId: number, requestId: string): Promise<number> {
    const provider = await providers.findProviderOfBrand(brandId);
    const activatedAt = provider?.activated_at ?? null;
    let applied = 0;
    // The brand's oldest requests go first, up to GROUP_ITEMS at a time, until this one is done: with a
    // backlog, the first job applies the requests of the jobs behind it, which then find nothing to do.
    while (await bulkRequests.isUnfinished(requestId)) {
      const waiting = await bulkRequests.listUnfinishedOfBrand(brandId, GROUP_REQUESTS);
      const group = takeGroup(waiting);
      const stored = await bulkRequests.loadItems(group.map((r) => r.id));
      const lanes = new Map<number, GroupItem[]>();
      for (const listed of group) {
        const { items, transactionIds } = stored.get(listed.id)!;
        const request = { ...listed, transaction_ids: transactionIds };
        items.forEach((item, i) => {
          const consent = unsealItem(item, request, i);
          const lane = laneOf(consent.recipientKey);
          if (!lanes.has(lane)) lanes.set(lane, []);
          lanes.get(lane)!.push({ request, i, consent });
        });
      }
      const work = [...lanes].map(
        ([lane, items]) =>
          () =>
            applyLaneOrItems(brandId, activatedAt, lane, items),
      );
      if (writers === 1) for (const lane of work) applied += await lane();
      else applied += (await Promise.all(work.map((lane) => lane()))).reduce((sum, n) => sum + n, 0);
    }
    return applied;
  }

  return {
    /** Stores the request durably, then queues it; returns once the items are safe on disk. */
    async acceptBulk(
      scope: BrandScope,
      apiUserId: number,
      json: string,
      options: { viaV2?: boolean } = {},
    ): Promise<AcceptedBulk> {
      const requestId = randomUUID();
      const acceptedAt = clock();
      const prepared = await preparer.prepare({
        json,
        allowedTypes: allowedChannels(scope),
        requestId,
        acceptedAt: acceptedAt.getTime(),
      });
      if (!prepared.ok) throw new IysRequestError(prepared.errors);
      await bulkRequests.insertBulkRequest({
        id: requestId,
        brand_id: scope.brand.id,
        api_user_id: apiUserId,
        accepted_at: acceptedAt,
        subrequestIdsLiteral: prepared.subrequestIdsLiteral,
        transactionIdsLiteral: prepared.transactionIdsLiteral,
        itemsPacked: prepared.itemsPacked,
        item_lanes: Buffer.from(prepared.itemLanes.buffer, prepared.itemLanes.byteOffset, prepared.size),
        lanes_left: prepared.lanesLeft,
        via_v2: options.viaV2 ?? false,
      });
      // The request is stored: it is accepted even if queueing it fails now (the database went away just
      // after the commit). The worker's sweep, or resumeUnfinished() at the next start, queues it then.
      await queue.enqueue(requestId).catch(() => {});
      return { requestId, answerJson: prepared.answerJson };
    },

    /**
     * Applies the request, together with every older unfinished request of its brand (and newer ones, in
     * the same transactions), in the order they were accepted: a refusal sent after a consent is never
     * applied before it, whichever job runs first.
     * Up to GROUP_ITEMS items are applied at a time, split by write lane (laneOf): each lane's items in a
     * transaction of their own, with their results, the lanes at the same time. So each item is applied
     * exactly once however often this runs or wherever it is interrupted. Returns the number of items
     * applied now (0 when another run already finished the request).
     */
    async processBulkRequest(requestId: string): Promise<number> {
      const brandId = await bulkRequests.brandOf(requestId);
      if (brandId === undefined) return 0;
      // One run per brand in this process. Two jobs of one brand would both load and unseal the same group,
      // and one would then only wait on the other's write locks to find its lanes done (the worker takes two
      // jobs at a time). The next run starts when this one ends and usually finds its request applied.
      // Runs in other processes still meet at the write locks.
      const previous = brandRuns.get(brandId) ?? Promise.resolve(0);
      const run = previous.catch(() => 0).then(() => applyBacklog(brandId, requestId));
      brandRuns.set(brandId, run);
      try {
        return await run;
      } finally {
        if (brandRuns.get(brandId) === run) brandRuns.delete(brandId);
      }
    },

    /**
     * Queues every request left unfinished: at start, by an earlier run (crash, kill, deploy); with
     * `acceptedBefore`, those whose job was lost while the database was away.
     */
    async resumeUnfinished(acceptedBefore?: Date): Promise<number> {
      const ids = await bulkRequests.listUnfinishedIds(acceptedBefore);
      for (const id of ids) await queue.enqueue(id);
      return ids.length;
    },

    /** Accepted requests not yet fully applied: the worker's backlog. */
    countUnfinished: (): Promise<number> => bulkRequests.countUnfinished(),

    async getBulkResults(
      scope: BrandScope,
      requestId: string,
    ): Promise<{ requestId: string; viaV2: boolean; items: BulkItemResult[] }> {
      if (requestId.length > 36)
        throw IysRequestError.of('H198', { location: ['requestId'], value: requestId });
      const request = isUuid(requestId)
        ? await bulkRequests.findBulkRequest(requestId, scope.brand.id)
        : undefined;
      if (!request) {
        throw IysRequestError.of('H093', { location: ['requestId'], value: requestId, vars: { requestId } });
      }
      const failures = await bulkRequests.failuresOf(requestId);
      // An integrator sees only the items of the channels it was granted (positions stay the submitted ones).
      const types = scope.rights ? await bulkRequests.itemTypes(requestId) : undefined;
      const allowed = new Set<string>(allowedChannels(scope));
      // Plain literals in a loop, no spread per item: a status look-up of 1000 items is polled often.
      const items: BulkItemResult[] = [];
      request.subrequest_ids.forEach((subrequestId, i) => {
        if (types && !allowed.has(types[i]!)) return;
        const lane = request.item_lanes[i]!;
        const index = i + 1;
        const transactionId = request.transaction_ids[i]!;
        const failure = failures.get(i);
        if (isLaneLeft(request.lanes_left, lane))
          items.push({
            index,
            subrequestId,
            status: 'enqueue',
            transactionId,
            creationDate: request.accepted_at,
          });
        else if (failure) items.push({ index, subrequestId, status: 'failure', error: failure });
        // Every item of a lane was written by one transaction: its successes share its moment.
        else
          items.push({
            index,
            subrequestId,
            status: 'success',
            transactionId,
            creationDate: request.lanes_applied_at[lane]!,
          });
      });
      return { requestId, viaV2: request.via_v2, items };
    },
  };
}

/** The oldest waiting requests, up to GROUP_ITEMS items (at least one request). */
function takeGroup<R extends { size: number }>(waiting: R[]): R[] {
  let items = 0;
  const group: R[] = [];
  for (const request of waiting) {
    items += request.size;
    if (group.length > 0 && items > GROUP_ITEMS) break;
    group.push(request);
  }
  return group;
}

/** Splits items, in order, into runs in which no identity appears twice. */
function uniqueIdentitySegments<T extends { consent: SealedConsent }>(items: T[]): T[][] {
  const segments: T[][] = [];
  let current: T[] = [];
  let seen = new Set<string>();
  for (const item of items) {
    const { recipientKey, recipientType, type } = item.consent;
    const identity = identityKey(recipientKey, recipientType, type);
    if (seen.has(identity)) {
      segments.push(current);
      current = [];
      seen = new Set();
    }
    seen.add(identity);
    current.push(item);
  }
  if (current.length > 0) segments.push(current);
  return segments;
}

interface GroupRequest {
  id: string;
  accepted_at: Date;
  api_user_id: number;
  transaction_ids: string[];
}

/** An item of a group being applied: its request, its place in it, and the record. */
interface GroupItem {
  request: GroupRequest;
  i: number;
  consent: SealedConsent;
}

function unsealItem(item: StoredItem, request: GroupRequest, i: number): SealedConsent {
  return {
    recipientKey: item.recipientKey,
    addressEnc: item.addressEnc,
    recipientKind: item.recipientKind,
    recipientType: item.recipientType,
    type: item.type,
    status: item.status,
    source: item.source,
    consentDate: item.consentDate === null ? null : new Date(item.consentDate),
    retailerCode: item.retailerCode,
    retailerAccess: item.retailerAccess,
    transactionId: request.transaction_ids[i]!,
    receivedAt: request.accepted_at,
    actorId: String(request.api_user_id),
  };
}

export type BulkService = ReturnType<typeof createBulkService>;
