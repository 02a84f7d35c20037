import { Type } from '@sinclair/typebox';
import { LogReceipt } from '../transparency-log/schema.js';

/** The ISO/IEC TS 27560-style consent record handed to citizens beside their receipt. */
export const ConsentRecord = Type.Object({
  schema: Type.String(),
  recordId: Type.String({ description: 'the transaction id' }),
  piiPrincipal: Type.Object({
    address: Type.String({ description: 'masked' }),
    recipientType: Type.String(),
  }),
  piiController: Type.Object({ name: Type.String(), brand: Type.String(), brandCode: Type.Integer() }),
  purpose: Type.String(),
  channel: Type.String(),
  status: Type.String(),
  state: Type.Union([Type.Literal('given'), Type.Literal('withdrawn')]),
  consentDate: Type.String({ description: 'ISO 8601' }),
  recordedAt: Type.String({ description: 'ISO 8601' }),
  source: Type.Union([Type.String(), Type.Null()]),
  recordedBy: Type.String(),
  proof: Type.Object({
    log: Type.String(),
    leafIndex: Type.Integer(),
    treeSize: Type.Integer(),
    signedAt: Type.String(),
  }),
});

export const CitizenReceipt = Type.Object({ receipt: LogReceipt, record: ConsentRecord });
