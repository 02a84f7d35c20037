import { randomUUID } from 'node:crypto';
import secureJson from 'secure-json-parse';
import type { FieldCipher } from '../../crypto/field-cipher.js';
import { newTransactionId } from '../../crypto/transaction-id.js';
import type { ConsentInput, ConsentType } from '../../domain/consent.js';
import { parseConsentInput } from '../../domain/consent-input.js';
import { iysError, IysRequestError, type IysErrorItem } from '../../domain/iys-errors.js';
import { findNul, jsonDepth, MAX_JSON_DEPTH } from '../../domain/json-guards.js';
import { formatWireDate, formatWireSeconds } from '../../domain/wire-date.js';
import { laneOf } from '../../domain/write-lanes.js';
import { packItems, type StoredItem } from '../../db/packed-items.js';

export const MAX_CONSENTS_PER_REQUEST = 1000;

/** What accepting a bulk request needs to know besides its body. */
export interface BulkToPrepare {
  /** The body as received (JSON text), parsed here, off the event loop when run by the accept threads. */
  json: string;
  /** The channels the caller may write (an integrator's grant); others are refused with H355. */
  allowedTypes: readonly ConsentType[];
  requestId: string;
  acceptedAt: number;
}

/**
 * A request ready to store and answer, every part already in the form it is written or sent in: the
 * stored items as JSON, the id arrays as PostgreSQL array literals, the client's answer as JSON. So the
 * thread that stores it does no per-item work.
 */
export interface PreparedBulk {
  ok: true;
  size: number;
  /** Each item as kept until applied (packItems): sealed address, never plaintext. */
  itemsPacked: Uint8Array;
  /** Each item's write lane, a byte per item. */
  itemLanes: Uint8Array;
  /** Bit per lane that has items. */
  lanesLeft: number;
  subrequestIdsLiteral: string;
  transactionIdsLiteral: string;
  /** The accepted answer (BulkAcceptedResponse) as JSON. */
  answerJson: string;
}

export type BulkPreparation = PreparedBulk | { ok: false; errors: IysErrorItem[] };

/**
 * Parses, validates and seals a bulk request (a pure function of its input and the keys): any error in the
 * body rejects the whole request, as İYS does, and nothing is stored.
 */
export function prepareBulk(input: BulkToPrepare, cipher: FieldCipher): BulkPreparation {
  try {
    const parsed = parseBatch(parseJsonBody(input.json));
    const forbidden = parsed.flatMap((consent, position) =>
      input.allowedTypes.includes(consent.type)
        ? []
        : [{ index: position + 1, ...channelRefused(consent.type) }],
    );
    if (forbidden.length > 0) return { ok: false, errors: forbidden };
    return encode(parsed, input, cipher);
  } catch (error) {
    if (error instanceof IysRequestError) return { ok: false, errors: error.errors };
    throw error;
  }
}

const channelRefused = (type: ConsentType) =>
  iysError('H355', { location: ['type'], value: type, vars: { type } });

/** The same rules as every JSON body of the API (http/request-guards.ts): depth, prototype keys, NUL. */
function parseJsonBody(json: string): unknown {
  if (jsonDepth(json) > MAX_JSON_DEPTH) throw IysRequestError.of('H970');
  let body: unknown;
  try {
    body = secureJson.parse(json, undefined, { protoAction: 'error', constructorAction: 'error' });
  } catch {
    throw IysRequestError.of('H014');
  }
  // JSON can carry NUL only as the escape \u0000: a body without that text needs no walk.
  const nulAt = json.includes('\\u0000') ? findNul(body) : undefined;
  if (nulAt) throw IysRequestError.of('H969', { location: nulAt });
  return body;
}

/** Validates the whole array up front: any field error rejects the request. */
function parseBatch(body: unknown): ConsentInput[] {
  if (!Array.isArray(body)) throw IysRequestError.of('H092', { value: typeof body });
  if (body.length === 0) throw IysRequestError.of('H092', { value: [] });
  if (body.length > MAX_CONSENTS_PER_REQUEST) throw IysRequestError.of('H125', { value: body.length });

  const errors: (IysErrorItem & { index: number })[] = [];
  const parsed: ConsentInput[] = [];
  const seen = new Set<string>();
  body.forEach((item, position) => {
    const index = position + 1;
    const result = parseConsentInput(item);
    if (!result.ok) return void errors.push(...result.errors.map((e) => ({ index, ...e })));
    const { recipient, recipientType, type } = result.consent;
    const identity = `${recipientType}|${type}|${recipient}`;
    if (seen.has(identity)) {
      return void errors.push({
        index,
        ...iysError('H194', {
          location: ['recipient'],
          value: (item as Record<string, unknown>).recipient,
        }),
      });
    }
    seen.add(identity);
    parsed.push(result.consent);
  });
  if (errors.length > 0) throw new IysRequestError(errors);
  return parsed;
}

function encode(parsed: ConsentInput[], input: BulkToPrepare, cipher: FieldCipher): PreparedBulk {
  const creationDate = formatWireDate(new Date(input.acceptedAt));
  const itemLanes = new Uint8Array(parsed.length);
  const items: StoredItem[] = [];
  const answers: object[] = [];
  const subrequestIds: string[] = [];
  const transactionIds: string[] = [];
  let lanesLeft = 0;
  parsed.forEach((consent, i) => {
    const { recipientKey, addressEnc } = cipher.sealAddress(consent.recipient);
    itemLanes[i] = laneOf(recipientKey);
    lanesLeft |= 1 << itemLanes[i]!;
    items.push({
      recipientKey,
      addressEnc,
      recipientKind: consent.recipientKind,
      recipientType: consent.recipientType,
      type: consent.type,
      status: consent.status,
      source: consent.source,
      consentDate: consent.consentDate?.getTime() ?? null,
      retailerCode: consent.retailerCode,
      retailerAccess: consent.retailerAccess,
    });
    const subrequestId = randomUUID();
    subrequestIds.push(subrequestId);
    transactionIds.push(newTransactionId());
    // The fields in the order of the answer's schema (BulkAcceptedResponse), as the serialiser wrote them.
    answers.push({
      subrequestId,
      recipient: consent.recipient,
      recipientType: consent.recipientType,
      type: consent.type,
      status: consent.status,
      ...(consent.source ? { source: consent.source } : {}),
      // A parsed wire date has whole seconds, which the day-caching formatter writes as formatWireDate does.
      ...(consent.consentDate
        ? { consentDate: formatWireSeconds(consent.consentDate.getTime() / 1000) }
        : {}),
      creationDate,
    });
  });
  return {
    ok: true,
    size: parsed.length,
    itemsPacked: packItems(items),
    itemLanes,
    lanesLeft,
    // uuids and hex ids need no quoting in an array literal.
    subrequestIdsLiteral: `{${subrequestIds.join(',')}}`,
    transactionIdsLiteral: `{${transactionIds.join(',')}}`,
    answerJson: JSON.stringify({ requestId: input.requestId, subRequests: answers }),
  };
}
