import { hashJson, verifyReceipt, type PublicJwk } from '../../crypto/receipt-signer.js';
import { receiptRequest } from './check-items.js';

export interface ReceiptReport {
  valid: boolean;
  lines: string[];
}

/**
 * Checks a saved gateway answer: the receipt's signature against the registry's public keys, and that the
 * results in the file are the ones the receipt was issued for (and the request too, when the file has it).
 * The file is the JSON body of a check (`results`) or of the AHS twin (`list`), optionally with `request`.
 */
export function checkReceiptFile(file: unknown, keys: PublicJwk[]): ReceiptReport {
  const saved = (file ?? {}) as { receipt?: unknown; results?: unknown; list?: unknown; request?: unknown };
  if (typeof saved.receipt !== 'string') return { valid: false, lines: ['no "receipt" in the file'] };
  const verified = verifyReceipt(saved.receipt, keys);
  if (!verified.ok) return { valid: false, lines: [`signature: INVALID (${verified.reason})`] };
  const { payload } = verified;
  const lines = [
    `signature: valid (key ${verified.kid})`,
    `issued to: ${String(payload.name)} (${String(payload.sub)}) at ${typeof payload.iat === 'number' ? new Date(payload.iat * 1000).toISOString() : 'unknown time'}`,
    `brand ${String(payload.brandCode)}, channel ${String(payload.type)}, recipient type ${String(payload.recipientType ?? 'any')}`,
  ];
  const answered = saved.results ?? saved.list;
  let valid = true;
  if (answered === undefined) lines.push('results: not in the file, not checked');
  else if (hashJson(answered) === payload.res) lines.push('results: match the receipt');
  else {
    valid = false;
    lines.push('results: DO NOT match the receipt');
  }
  if (saved.request !== undefined) {
    const request = saved.request as Parameters<typeof receiptRequest>[0];
    const matches =
      hashJson(receiptRequest({ ...request, recipientType: request.recipientType ?? null })) === payload.req;
    valid &&= matches;
    lines.push(matches ? 'request: matches the receipt' : 'request: DOES NOT match the receipt');
  }
  return { valid, lines };
}
