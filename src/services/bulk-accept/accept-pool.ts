import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { Logger } from 'pino';
import type { FieldCipher } from '../../crypto/field-cipher.js';
import { IysRequestError } from '../../domain/iys-errors.js';
import {
  prepareUploadRows,
  type PreparedUploadRows,
  type UploadRowsToPrepare,
} from '../uploads/prepare-rows.js';
import { prepareBulk, type BulkPreparation, type BulkToPrepare } from './prepare-bulk.js';

/** Prepares bulk requests (prepare-bulk.ts) and upload rows (prepare-rows.ts): on accept threads, or inline. */
export interface BulkPreparer {
  prepare(input: BulkToPrepare): Promise<BulkPreparation>;
  prepareUploadRows(input: UploadRowsToPrepare): Promise<PreparedUploadRows>;
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
 * fails with a retryable error (nothing was stored); requests queued behind it fail so too or run on the
 * new thread.
 */
export function createBulkPreparer(options: {
  threads: number;
  masterKey: Buffer;
  cipher: FieldCipher;
  logger: Logger;
}): BulkPreparer {
  const { threads, masterKey, cipher, logger } = options;
  if (threads === 0) {
    return {
      prepare: async (input) => prepareBulk(input, cipher),
      prepareUploadRows: async (input) => prepareUploadRows(input, cipher),
      threads: [],
      close: async () => {},
    };
  }
  // This folder's accept.worker: built (.js), or from the TypeScript source through its tsx shim.
  const here = fileURLToPath(import.meta.url);
  const worker = here.endsWith('.ts') ? 'accept.worker.dev.mjs' : 'accept.worker.js';
  // Made at the first request, with all its threads kept: piscina replaces a dead thread only up to
  // `minThreads`, and a pool left without one never ran the requests queued behind it, nor any after them.
  let pool: Piscina | undefined;
  const running = () =>
    (pool ??= new Piscina({
      filename: path.join(path.dirname(here), worker),
      minThreads: threads,
      maxThreads: threads,
      idleTimeout: Infinity,
      workerData: { masterKey: new Uint8Array(masterKey) },
    }));
  return {
    prepare: (input) =>
      (running().run(input) as Promise<BulkPreparation>).catch((error: unknown) => {
        // A thread that failed (out of memory, killed) took nothing with it: the request was not stored.
        logger.error({ err: error }, 'an accept thread failed; the bulk request was not stored');
        throw IysRequestError.wait('H972', 5);
      }),
    // An upload whose rows failed on a thread is retried by its job, from what it had committed.
    prepareUploadRows: (input) =>
      running().run(input, { name: 'prepareRows' }) as Promise<PreparedUploadRows>,
    get threads() {
      return pool?.threads ?? [];
    },
    close: async () => pool?.destroy(),
  };
}
