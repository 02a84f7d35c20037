import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { Logger } from 'pino';
import type { FieldCipher } from '../../crypto/field-cipher.js';
import { IysRequestError } from '../../domain/iys-errors.js';
import { prepareBulk, type BulkPreparation, type BulkToPrepare } from './prepare-bulk.js';

/** Prepares bulk requests (prepare-bulk.ts): on accept threads, or inline. */
export interface BulkPreparer {
  prepare(input: BulkToPrepare): Promise<BulkPreparation>;
  /** The running accept threads (none inline). */
  readonly threads: readonly Worker[];
  close(): Promise<void>;
}

/**
 * Accepting a bulk request — parsing its JSON, validating 1,000 records, sealing each address (an HMAC and
 * an AES-GCM seal) and encoding what is stored and answered — is ~25 µs of CPU an item. On `threads` worker
 * threads (piscina) it runs beside the event loop, which keeps serving requests and applying batches; the
 * body goes in and the prepared request comes out as strings, so handing them over is a copy, not a clone
 * of a thousand objects. `threads: 0` prepares inline (no thread).
 * The threads start with the first request and stay; a thread that dies is replaced, and its request
 * fails with a retryable error (nothing was stored).
 */
export function createBulkPreparer(options: {
  threads: number;
  masterKey: Buffer;
  cipher: FieldCipher;
  logger: Logger;
}): BulkPreparer {
  const { threads, masterKey, cipher, logger } = options;
  if (threads === 0) {
    return { prepare: async (input) => prepareBulk(input, cipher), threads: [], close: async () => {} };
  }
  // This folder's accept.worker: built (.js), or from the TypeScript source through its tsx shim.
  const here = fileURLToPath(import.meta.url);
  const worker = here.endsWith('.ts') ? 'accept.worker.dev.mjs' : 'accept.worker.js';
  const pool = new Piscina<BulkToPrepare, BulkPreparation>({
    filename: path.join(path.dirname(here), worker),
    minThreads: 0,
    maxThreads: threads,
    idleTimeout: Infinity,
    workerData: { masterKey: new Uint8Array(masterKey) },
  });
  return {
    prepare: (input) =>
      pool.run(input).catch((error: unknown) => {
        // A thread that failed (out of memory, killed) took nothing with it: the request was not stored.
        logger.error({ err: error }, 'an accept thread failed; the bulk request was not stored');
        throw IysRequestError.wait('H972', 5);
      }),
    get threads() {
      return pool.threads;
    },
    close: () => pool.destroy(),
  };
}
