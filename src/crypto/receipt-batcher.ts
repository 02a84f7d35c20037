import { leafHash, merkleTree } from './merkle.js';
import type { ReceiptSigner } from './receipt-signer.js';

/** Answers sealed under one signature at most; a path then has at most 7 hashes. */
export const MAX_BATCH = 128;

/**
 * Signs answers in batches: one Ed25519 signature (a third of a single check's CPU) covers every answer
 * finished in the same turn of the event loop, up to 128. Each answer's claims become a leaf of an
 * RFC 9162 Merkle tree, the batch head `{iss, kind: "answers", iat, size, root}` is signed as a compact JWS,
 * and each answer's receipt is that JWS, its own claims and its audit path, joined by `~` (as SD-JWT
 * appends its disclosures):
 *
 *   <header>.<batch head>.<signature>~<base64url claims JSON>~<base64url {"i": index, "path": [hex…]}>
 *
 * Anyone can verify a receipt offline with the published keys (`verifyReceipt`). An idle gateway signs a
 * batch of one, so batching adds no waiting: the batch closes when the event loop has nothing else ready.
 * A receipt shows nothing of the other answers in its batch but their leaf hashes, and every leaf holds a
 * random `jti`, so a sibling hash cannot be guessed back into its claims.
 */
export function createReceiptBatcher(signer: ReceiptSigner, maxBatch = MAX_BATCH) {
  let pending: Array<{
    claims: string;
    resolve: (receipt: string) => void;
    reject: (error: unknown) => void;
  }> = [];

  function seal(): void {
    const batch = pending;
    pending = [];
    try {
      const { root, paths } = merkleTree(batch.map((entry) => leafHash(entry.claims)));
      const head = signer.sign({
        iss: 'openiys',
        kind: 'answers',
        iat: Math.floor(Date.now() / 1000),
        size: batch.length,
        root: root.toString('hex'),
      });
      batch.forEach((entry, i) => {
        const proof = { i, path: paths[i]!.map((hash) => hash.toString('hex')) };
        entry.resolve(
          `${head}~${Buffer.from(entry.claims).toString('base64url')}~${Buffer.from(JSON.stringify(proof)).toString('base64url')}`,
        );
      });
    } catch (error) {
      for (const entry of batch) entry.reject(error);
    }
  }

  return {
    /** The receipt for one answer's claims, once its batch is signed. */
    receiptFor(claims: Record<string, unknown>): Promise<string> {
      return new Promise((resolve, reject) => {
        if (pending.length === 0) setImmediate(() => pending.length > 0 && seal());
        pending.push({ claims: JSON.stringify(claims), resolve, reject });
        if (pending.length >= maxBatch) seal();
      });
    },
  };
}

export type ReceiptBatcher = ReturnType<typeof createReceiptBatcher>;
