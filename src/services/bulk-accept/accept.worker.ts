/**
 * An accept thread (see accept-pool.ts): prepares bulk requests and upload rows with the registry's keys,
 * which it derives from the master key it was started with; it never touches the database.
 */
import { workerData } from 'node:worker_threads';
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { FieldCipher } from '../../crypto/field-cipher.js';
import { createKeyRing } from '../../crypto/keys.js';
import { prepareUploadRows, type UploadRowsToPrepare } from '../uploads/prepare-rows.js';
import { prepareBulk, type BulkPreparation, type BulkToPrepare } from './prepare-bulk.js';

const cipher = new FieldCipher(
  createKeyRing(Buffer.from((workerData as { masterKey: Uint8Array }).masterKey)),
);

export default function prepare(input: BulkToPrepare): BulkPreparation {
  return prepareBulk(input, cipher);
}

/** An upload's hand-over of rows; its seals' buffer is moved to the caller, not copied. */
export function prepareRows(input: UploadRowsToPrepare) {
  const prepared = prepareUploadRows(input, cipher);
  return move({ [transferableSymbol]: [prepared.seals.buffer], [valueSymbol]: prepared });
}
