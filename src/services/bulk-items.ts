import { laneOf, WRITE_LANES } from '../domain/write-lanes.js';
import type { StoredItem } from './bulk-accept/prepare-bulk.js';
import type { SealedConsent } from './consent-writer.js';

/** A stored request as listed for applying: `lanes_left` as it was when listed. */
export interface ListedRequest {
  id: string;
  accepted_at: Date;
  api_user_id: number;
  lanes_left: number;
  size: number;
}

export type RequestItems = ReturnType<typeof createRequestItems>;

/** An item of a request being applied: its request, its place in it, and the record. */
export interface GroupItem {
  request: { id: string; accepted_at: Date };
  i: number;
  consent: SealedConsent;
}

type LoadItems = (ids: string[]) => Promise<Map<string, { items: unknown[]; transactionIds: string[] }>>;

/** A loaded request's items by lane, and the lanes that have not taken theirs yet (a bit each). */
interface Kept {
  byLane: GroupItem[][];
  unread: number;
}

/**
 * The stored items of a brand's requests, for one run of its backlog: loaded and unsealed once, split by
 * lane. Each lane's loop reads the brand's requests at its own pace; whichever lane comes to a request
 * first loads it, the other finds it here. Stored items never change, so nothing kept goes stale. A
 * request is dropped once every lane it had left has taken its items; a lane that runs far ahead (the
 * other held up, or finished elsewhere) pushes the oldest out once `maxItems` are kept, and whoever still
 * needs those loads them again.
 */
export function createRequestItems(loadItems: LoadItems, maxItems: number) {
  const kept = new Map<string, { size: number; entry: Promise<Kept> }>();
  let keptItems = 0;

  /** Forgets a request (only this load of it, when given: another lane may have loaded it again). */
  const drop = (id: string, entry?: Promise<Kept>) => {
    const found = kept.get(id);
    if (!found || (entry && found.entry !== entry)) return;
    kept.delete(id);
    keptItems -= found.size;
  };

  function load(requests: ListedRequest[]): void {
    const loading = loadItems(requests.map((r) => r.id));
    for (const request of requests) {
      const entry = loading.then((stored) => split(request, stored.get(request.id)));
      // A failed load is not kept: the lane that asked fails its step, and the next asker loads again.
      entry.catch(() => drop(request.id, entry));
      kept.set(request.id, { size: request.size, entry });
      keptItems += request.size;
    }
    for (const [id] of kept) {
      if (keptItems <= maxItems) break;
      if (!requests.some((r) => r.id === id)) drop(id);
    }
  }

  /** This lane's items of these requests, in their order. */
  return async function laneItems(requests: ListedRequest[], lane: number): Promise<GroupItem[]> {
    const missing = requests.filter((r) => !kept.has(r.id));
    if (missing.length > 0) load(missing);
    const entries = requests.map((r) => kept.get(r.id)!.entry);
    const items: GroupItem[] = [];
    for (const [n, entry] of entries.entries()) {
      const request = await entry;
      for (const item of request.byLane[lane]!) items.push(item);
      request.unread &= ~(1 << lane);
      if (request.unread === 0) drop(requests[n]!.id, entry);
    }
    return items;
  };
}

/** A stored request's items, unsealed, by lane; a request deleted meanwhile (retention) has none left. */
function split(
  request: ListedRequest,
  stored: { items: unknown[]; transactionIds: string[] } | undefined,
): Kept {
  const byLane: GroupItem[][] = Array.from({ length: WRITE_LANES }, () => []);
  if (!stored) return { byLane, unread: 0 };
  const identity = { id: request.id, accepted_at: request.accepted_at };
  const actorId = String(request.api_user_id);
  (stored.items as StoredItem[]).forEach((item, i) => {
    const consent = unsealItem(item, request.accepted_at, stored.transactionIds[i]!, actorId);
    byLane[laneOf(consent.recipientKey)]!.push({ request: identity, i, consent });
  });
  return { byLane, unread: request.lanes_left };
}

function unsealItem(
  item: StoredItem,
  receivedAt: Date,
  transactionId: string,
  actorId: string,
): SealedConsent {
  return {
    recipientKey: Buffer.from(item.k, 'hex'),
    addressEnc: Buffer.from(item.e, 'base64'),
    recipientKind: item.kind,
    recipientType: item.rt,
    type: item.t,
    status: item.s,
    source: item.src,
    consentDate: item.cd === null ? null : new Date(item.cd),
    retailerCode: item.rc,
    retailerAccess: item.ra,
    transactionId,
    receivedAt,
    actorId,
  };
}
