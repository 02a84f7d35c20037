import { Type } from '@sinclair/typebox';
import {
  CONSENT_STATUSES,
  CONSENT_TYPES,
  PROVIDER_SOURCES,
  RECIPIENT_TYPES,
  REGISTRY_SOURCES,
} from '../../../domain/consent.js';

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));

/** `YYYY-MM-DD HH:mm:ss`, Türkiye time (UTC+3). */
const WireDate = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}$',
  examples: ['2024-03-01 14:30:00'],
});

export const ErrorItem = Type.Object({
  index: Type.Optional(Type.Integer({ description: 'Bulk requests: 1-based position of the item in error' })),
  code: Type.String({ examples: ['H114'] }),
  message: Type.String(),
  location: Type.Optional(Type.Array(Type.Union([Type.String(), Type.Integer()]))),
  value: Type.Optional(Type.Unknown()),
});
export const ErrorResponse = Type.Object({ errors: Type.Array(ErrorItem) });

export const ConsentBody = Type.Object(
  {
    recipient: Type.String({ examples: ['+905321234567', 'ali@example.com'] }),
    recipientType: literals(RECIPIENT_TYPES),
    type: literals(CONSENT_TYPES),
    status: literals(CONSENT_STATUSES),
    source: Type.Optional(literals(PROVIDER_SOURCES)),
    consentDate: Type.Optional(WireDate),
    retailerCode: Type.Optional(Type.Integer()),
    retailerAccess: Type.Optional(Type.Array(Type.Integer())),
  },
  {
    additionalProperties: false,
    description: 'source and consentDate may be omitted only for a new TACIR record',
  },
);

export const AddConsentResponse = Type.Object({ transactionId: Type.String(), creationDate: WireDate });

export const BulkConsentBody = Type.Array(ConsentBody, { maxItems: 1000 });

export const BulkAcceptedResponse = Type.Object({
  requestId: Type.String({ format: 'uuid' }),
  subRequests: Type.Array(
    Type.Object({
      subrequestId: Type.String({ format: 'uuid' }),
      recipient: Type.String(),
      recipientType: Type.String(),
      type: Type.String(),
      status: Type.String(),
      source: Type.Optional(Type.String()),
      consentDate: Type.Optional(WireDate),
      creationDate: WireDate,
    }),
  ),
});

export const BulkResultResponse = Type.Array(
  Type.Object({
    index: Type.Integer({ description: '1-based position in the submitted array' }),
    status: literals(['success', 'failure', 'enqueue']),
    subrequestId: Type.String(),
    requestId: Type.String(),
    transactionId: Type.Optional(Type.String()),
    creationDate: Type.Optional(WireDate),
    error: Type.Optional(Type.Object({ code: Type.String(), message: Type.String() })),
  }),
);

/**
 * The v2 result item (QueryMultipleConsentResultV2 in a published client): `subRequestId` spelled with a
 * capital R, and `isAddConsentV2Service`. Its `originalRequestInformation` is left out: nothing in openiys
 * re-submits a request under another id, so there is no original to point to.
 */
export const BulkResultResponseV2 = Type.Array(
  Type.Object({
    index: Type.Integer({ description: '1-based position in the submitted array' }),
    status: literals(['success', 'failure', 'enqueue']),
    subRequestId: Type.String(),
    requestId: Type.String(),
    isAddConsentV2Service: Type.Boolean({ description: 'submitted through /v2/…/consents/request' }),
    transactionId: Type.Optional(Type.String()),
    creationDate: Type.Optional(WireDate),
    error: Type.Optional(Type.Object({ code: Type.String(), message: Type.String() })),
  }),
);

export const StatusQueryBody = Type.Object({
  recipient: Type.String(),
  recipientType: literals(RECIPIENT_TYPES),
  type: literals(CONSENT_TYPES),
});

export const ConsentResponse = Type.Object({
  recipient: Type.String(),
  recipientType: Type.String(),
  type: Type.String(),
  status: Type.String(),
  source: Type.Optional(literals([...PROVIDER_SOURCES, ...REGISTRY_SOURCES])),
  consentDate: WireDate,
  creationDate: WireDate,
  transactionId: Type.String(),
  retailerCode: Type.Optional(Type.Integer()),
  retailerAccess: Type.Optional(Type.Array(Type.Integer())),
  retailerAccessCount: Type.Integer(),
});

export const MultipleStatusBody = Type.Object({ recipients: Type.Array(Type.String(), { maxItems: 1000 }) });
export const MultipleStatusResponse = Type.Object({
  list: Type.Array(Type.String(), { description: 'The recipients whose status is ONAY' }),
});

export const ChangesQuery = Type.Object({
  source: Type.Optional(literals(['HS', 'IYS'])),
  after: Type.Optional(
    Type.String({ description: 'Cursor from the previous page: <epochMillis>_<transactionId>' }),
  ),
  limit: Type.Optional(Type.String({ description: 'Page size, 1–1000 (default 500)' })),
});

export const ChangesResponse = Type.Object({
  after: Type.Union([Type.String(), Type.Null()]),
  list: Type.Array(
    Type.Object({
      recipient: Type.String(),
      recipientType: Type.String(),
      type: Type.String(),
      status: Type.String(),
      source: Type.Optional(Type.String()),
      consentDate: WireDate,
      creationDate: WireDate,
      transactionId: Type.String(),
      retailerCode: Type.Optional(Type.Integer()),
    }),
  ),
});
