import type { Kysely } from 'kysely';
import {
  appendLeaves,
  consistencyProof,
  inclusionPath,
  rightEdge,
  rootOf,
  withSubtrees,
  type Subtree,
} from '../crypto/merkle-ranges.js';
import type { PublicJwk, ReceiptSigner } from '../crypto/receipt-signer.js';
import type { Database } from '../db/types.js';
import { IysRequestError } from '../domain/iys-errors.js';
import type {
  SignedHeadRow,
  TransparencyLogRepository,
} from '../repositories/transparency-log.repository.js';

/** Leaves integrated per transaction: a backlog is worked off in steps this size, each signed. */
export const INTEGRATION_BATCH = 10_000;
export const MAX_ENTRIES = 1000;

/** A signed tree head as published (`GET /log/v1/sth`): the JWS signs exactly the other three fields. */
export interface SignedTreeHead {
  treeSize: number;
  timestamp: number;
  rootHash: string;
  jws: string;
}

const present = (head: SignedHeadRow): SignedTreeHead => ({
  treeSize: head.treeSize,
  timestamp: head.signedAt.getTime(),
  rootHash: head.rootHash.toString('hex'),
  jws: head.jws,
});

/**
 * The transparency log (issue 12): a sequencer gives each committed consent event the next leaf index, in
 * the log readers' (tx, id) order, stores the complete subtrees its leaves finish, and signs a tree head per
 * batch; proofs are answered from the stored subtrees. Leaves are hashes, so nothing here is personal data.
 */
export function createTransparencyLogService(deps: {
  db: Kysely<Database>;
  log: TransparencyLogRepository;
  signer: ReceiptSigner;
  clock?: () => Date;
}) {
  const { db, log, signer, clock = () => new Date() } = deps;

  const readSubtrees = (subtrees: Subtree[]) => log.readSubtrees(db, subtrees);

  async function latestHead(): Promise<SignedHeadRow> {
    const head = await log.latestHead();
    // Only before the sequencer's first run (a worker process signs the empty tree when it starts).
    if (!head) throw IysRequestError.of('H972');
    return head;
  }

  return {
    /**
     * Integrates up to `limit` events; returns how many (0 when there were none, or another process is the
     * sequencer right now). The first run signs the empty tree, so a head exists from the start.
     */
    async integrate(limit = INTEGRATION_BATCH): Promise<number> {
      return db.transaction().execute(async (trx) => {
        if (!(await log.tryLockSequencer(trx))) return 0;
        const position = await log.readPosition(trx);
        const events = await log.readEventsAfter(trx, position, limit);
        if (events.length === 0 && (await log.latestHead())) return 0;

        const size = position.treeSize;
        const known = await log.readSubtrees(trx, rightEdge(size));
        const subtrees = appendLeaves(
          known,
          size,
          events.map((event) => event.leaf_hash),
        );
        const leaves = events.map((event, n) => ({
          index: size + n,
          eventId: event.id,
          hash: event.leaf_hash,
        }));
        const treeSize = size + leaves.length;
        const rootHash = rootOf(known, treeSize);
        const signedAt = clock();
        const payload = { treeSize, timestamp: signedAt.getTime(), rootHash: rootHash.toString('hex') };
        const last = events.at(-1);
        await log.append(trx, {
          leaves,
          subtrees,
          head: { treeSize, rootHash, signedAt, kid: signer.publicJwk.kid, jws: signer.sign(payload) },
          position: last ? { tx: last.tx, eventId: last.id, treeSize } : position,
        });
        return leaves.length;
      });
    },

    keys: (): { keys: PublicJwk[] } => ({ keys: [signer.publicJwk] }),

    signedTreeHead: async (): Promise<SignedTreeHead> => present(await latestHead()),

    async inclusion(leafHash: Buffer, treeSize: number) {
      const head = await latestHead();
      if (treeSize > head.treeSize || treeSize < 1) {
        throw IysRequestError.of('H986', { location: ['treeSize'], value: treeSize });
      }
      const leafIndex = await log.findLeafIndex(leafHash);
      if (leafIndex === undefined || leafIndex >= treeSize) {
        throw IysRequestError.of('H985', { location: ['leafHash'], value: leafHash.toString('hex') });
      }
      const path = await withSubtrees(
        (hashOf) => inclusionPath(leafIndex, 0, treeSize, hashOf),
        readSubtrees,
      );
      return { leafIndex, treeSize, auditPath: path.map((hash) => hash.toString('hex')) };
    },

    async consistency(first: number, second: number) {
      const head = await latestHead();
      if (first < 1 || first > second || second > head.treeSize) {
        throw IysRequestError.of('H986', { location: ['first'], value: { first, second } });
      }
      const proof = await withSubtrees((hashOf) => consistencyProof(first, second, hashOf), readSubtrees);
      return { first, second, consistency: proof.map((hash) => hash.toString('hex')) };
    },

    async entries(start: number, end: number) {
      if (start < 0 || end <= start || end - start > MAX_ENTRIES) {
        throw IysRequestError.of('H987', { location: ['start'], value: { start, end } });
      }
      const rows = await log.entries(start, end);
      return { entries: rows.map((r) => ({ leafIndex: r.leafIndex, leafHash: r.leafHash.toString('hex') })) };
    },
  };
}

export type TransparencyLogService = ReturnType<typeof createTransparencyLogService>;
