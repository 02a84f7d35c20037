import type { Static } from '@sinclair/typebox';
import { formatWireDate } from '../../../domain/wire-date.js';
import type { ConsentView } from '../../../services/consent.service.js';
import type { ChangesResponse, ConsentResponse } from './schema.js';

/** Wire shape of a consent: İYS dates, absent rather than null optional fields. */
export function presentConsent(view: ConsentView): Static<typeof ConsentResponse> {
  return {
    recipient: view.recipient,
    recipientType: view.recipientType,
    type: view.type,
    status: view.status,
    ...(view.source ? { source: view.source as Static<typeof ConsentResponse>['source'] } : {}),
    consentDate: formatWireDate(view.consentDate),
    creationDate: formatWireDate(view.creationDate),
    transactionId: view.transactionId,
    ...(view.retailerCode !== null ? { retailerCode: view.retailerCode } : {}),
    ...(view.retailerAccess.length > 0 ? { retailerAccess: view.retailerAccess } : {}),
    retailerAccessCount: view.retailerAccess.length,
  };
}

export function presentChange(view: ConsentView): Static<typeof ChangesResponse>['list'][number] {
  return {
    consentDate: formatWireDate(view.consentDate),
    creationDate: formatWireDate(view.creationDate),
    ...(view.source ? { source: view.source } : {}),
    recipient: view.recipient,
    recipientType: view.recipientType,
    status: view.status,
    type: view.type,
    transactionId: view.transactionId,
    ...(view.retailerCode !== null ? { retailerCode: view.retailerCode } : {}),
  };
}
