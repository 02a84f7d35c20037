import type { Kysely, Transaction } from 'kysely';
import {
  appendLeaves,
  consistencyProof,
  inclusionPath,
  rightEdge,
  rootOf,
  withSubtrees,
  type Subtree,
} from '../crypto/merkle-ranges.js';
import { canonicalEvent, leafHash as eventLeafHash } from '../crypto/event-hash.js';
import type { LogReceipt, SignedHead } from '../crypto/log-verify.js';
import { ReceiptSigner, type PublicJwk } from '../crypto/receipt-signer.js';
import type { Database } from '../db/types.js';
import { IysRequestError } from '../domain/iys-errors.js';
import { auditTransparencyLog, type LogAuditReport } from './log-audit.js';
import type {
  ReceiptEvent,
  SignedHeadRow,
  TransparencyLogRepository,
} from '../repositories/transparency-log.repository.js';

/** Leaves integrated per transaction: a backlog is worked off in steps this size, each signed. */
export const INTEGRATION_BATCH = 10_000;
export const MAX_ENTRIES = 1000;

/** A signed tree head as published (`GET /log/v1/sth`): the JWS signs exactly the other three fields. */
export type SignedTreeHead = SignedHead;

/**
 * What proves one consent event is in the log (shape in log-verify.ts, which checks it): the exact text its
 * leaf hash is taken of (no plaintext address: the recipient is its blind index), the leaf, its audit path
 * and the first signed head holding it.
 */
export type { LogReceipt };

/** A receipt, or how long to wait for the head that will cover the event (it commits before it is logged). */
export type ReceiptAnswer = { event: ReceiptEvent } & (
  { ready: true; receipt: LogReceipt } | { ready: false; retryAfterSeconds: number }
);

const TRANSACTION_ID = /^[0-9a-f]{64}$/;

/** The sequencer signs at least every second while events arrive; a receipt asked for early waits that long. */
const RECEIPT_RETRY_SECONDS = 1;

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
  /** The seed of each key version (derived from the master key), so every server signs alike. */
  keySeed: (version: number) => Buffer;
  clock?: () => Date;
}) {
  const { db, log, keySeed, clock = () => new Date() } = deps;
  const signers = new Map<number, ReceiptSigner>();
  const signerOf = (version: number): ReceiptSigner => {
    let signer = signers.get(version);
    if (!signer) signers.set(version, (signer = new ReceiptSigner(keySeed(version))));
    return signer;
  };

  /** The key that signs now: the highest version published, version 1 published on the first run. */
  async function currentSigner(trx: Transaction<Database>): Promise<ReceiptSigner> {
    const published = await log.currentKeyVersion(trx);
    const signer = signerOf(published ?? 1);
    if (published === undefined) await log.publishKey(trx, 1, signer.publicJwk);
    return signer;
  }

  async function receiptOf(event: ReceiptEvent | undefined): Promise<ReceiptAnswer | undefined> {
    if (!event) return undefined;
    const pending = { event, ready: false, retryAfterSeconds: RECEIPT_RETRY_SECONDS } as const;
    if (event.leafIndex === null) return pending;
    const leafIndex = event.leafIndex;
    const head = await log.headCovering(leafIndex + 1);
    if (!head) return pending;
    const path = await withSubtrees(
      (hashOf) => inclusionPath(leafIndex, 0, head.treeSize, hashOf),
      readSubtrees,
    );
    const canonical = canonicalEvent(event);
    return {
      event,
      ready: true,
      receipt: {
        transactionId: event.transaction_id,
        canonical,
        leafHash: eventLeafHash(event).toString('hex'),
        leafIndex,
        treeSize: head.treeSize,
        auditPath: path.map((hash) => hash.toString('hex')),
        sth: present(head),
      },
    };
  }

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
        const events = await log.readEventLeavesAfter(trx, position, limit);
        // Evidence attached to consents (issue 14) joins the log after the batch's events.
        const evidence = await log.readEvidenceAfter(trx, position, Math.max(0, limit - events.count));
        if (events.count + evidence.length === 0 && (await log.latestHead())) return 0;

        const size = position.treeSize;
        const known = await log.readSubtrees(trx, rightEdge(size));
        const hashes: Buffer[] = [];
        for (let n = 0; n < events.count; n++) hashes.push(events.hashes.subarray(n * 32, n * 32 + 32));
        for (const piece of evidence) hashes.push(piece.leaf_hash);
        const subtrees = appendLeaves(known, size, hashes);
        const evidenceLeaves = evidence.map((piece, n) => ({
          index: size + events.count + n,
          eventId: null,
          evidenceId: piece.id,
          hash: piece.leaf_hash,
        }));
        const treeSize = size + hashes.length;
        const rootHash = rootOf(known, treeSize);
        const signer = await currentSigner(trx);
        const signedAt = clock();
        const payload = { treeSize, timestamp: signedAt.getTime(), rootHash: rootHash.toString('hex') };
        const last = events.last;
        const lastEvidence = evidence.at(-1);
        await log.append(trx, {
          eventLeaves: last && {
            from: { tx: position.tx, eventId: position.eventId },
            through: last,
            firstIndex: size,
            count: events.count,
          },
          leaves: evidenceLeaves,
          subtrees,
          head: { treeSize, rootHash, signedAt, kid: signer.publicJwk.kid, jws: signer.sign(payload) },
          position: {
            tx: last?.tx ?? position.tx,
            eventId: last?.eventId ?? position.eventId,
            evidenceTx: lastEvidence?.tx ?? position.evidenceTx,
            evidenceId: lastEvidence?.id ?? position.evidenceId,
            treeSize,
          },
        });
        return hashes.length;
      });
    },

    /** Every key that ever signed a head, the current one first (rotation keeps old heads verifiable). */
    keys: async (): Promise<{ keys: PublicJwk[] }> => ({
      keys: (await log.publishedKeys()).map((key) => key.jwk),
    }),

    /**
     * Rotates the signing key: the next version is derived and published, and signs every head from the
     * sequencer's next batch on; the old keys stay published. Returns the new key.
     */
    async rotateKey(): Promise<{ version: number; jwk: PublicJwk }> {
      return db.transaction().execute(async (trx) => {
        await log.lockSequencer(trx);
        const version = ((await log.currentKeyVersion(trx)) ?? 0) + 1;
        const { publicJwk } = signerOf(version);
        await log.publishKey(trx, version, publicJwk);
        return { version, jwk: publicJwk };
      });
    },

    /** The keys a version should publish, derived from the master key (what the audit compares with). */
    derivedKey: (version: number): PublicJwk => signerOf(version).publicJwk,

    /** Runs the audit (log-audit.ts) and keeps its result for the console and `/metrics`. */
    async audit(): Promise<LogAuditReport> {
      const report = await auditTransparencyLog(db, (version) => signerOf(version).publicJwk);
      await log.recordAudit(report);
      return report;
    },

    latestAudit: () => log.latestAudit(),

    /** The receipt of the event with this transaction id (in one brand when given); undefined when none. */
    receiptForTransaction: async (transactionId: string, brandId?: number) =>
      // A transaction id is 64 lower-case hex (newTransactionId); nothing else can name an event.
      TRANSACTION_ID.test(transactionId)
        ? receiptOf(await log.findEventByTransaction(transactionId, brandId))
        : undefined,

    /** A receipt for an event the caller already holds (a citizen's own change). */
    receiptForEvent: async (eventId: string) => receiptOf(await log.findEvent(eventId)),

    signedTreeHead: async (): Promise<SignedTreeHead> => present(await latestHead()),

    /** The latest signed head, or undefined before the first (for answers that carry it when there is one). */
    latestHead: async (): Promise<SignedTreeHead | undefined> => {
      const head = await log.latestHead();
      return head && present(head);
    },

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
