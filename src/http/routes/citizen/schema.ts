import { Type } from '@sinclair/typebox';

const WireDate = Type.String({ description: 'YYYY-MM-DD HH:mm:ss, Türkiye time' });

export const StartVerificationBody = Type.Object({
  address: Type.String({ description: 'E.164 phone number or e-mail address', examples: ['+905321234567'] }),
});
export const VerificationStarted = Type.Object({ challengeId: Type.String(), expiresAt: WireDate });
export const VerifyBody = Type.Object({
  challengeId: Type.String(),
  // Any string: a malformed code counts as a wrong attempt (the service judges it), like a wrong one.
  code: Type.String(),
});

export const Address = Type.Object({
  id: Type.String({ description: 'Opaque id of a verified address' }),
  address: Type.String(),
  kind: Type.Union([Type.Literal('phone'), Type.Literal('email')]),
  verifiedAt: WireDate,
});
export const SessionResponse = Type.Object({ csrfToken: Type.String(), addresses: Type.Array(Address) });

export const CitizenConsent = Type.Object({
  addressId: Type.String(),
  brandCode: Type.Integer(),
  brandName: Type.String(),
  company: Type.String(),
  recipientType: Type.String(),
  type: Type.String(),
  status: Type.String(),
  source: Type.Union([Type.String(), Type.Null()]),
  consentDate: WireDate,
  lastChange: WireDate,
  transactionId: Type.String(),
});
export const ConsentsResponse = Type.Object({
  addresses: Type.Array(Address),
  consents: Type.Array(CitizenConsent),
});

export const HistoryEntry = Type.Object({
  brandCode: Type.Integer(),
  brandName: Type.String(),
  recipientType: Type.String(),
  type: Type.String(),
  status: Type.String(),
  source: Type.Union([Type.String(), Type.Null()]),
  consentDate: WireDate,
  creationDate: WireDate,
  transactionId: Type.String(),
});

export const ChangeBody = Type.Object({
  addressId: Type.String(),
  brandCode: Type.Integer(),
  recipientType: Type.String(),
  type: Type.String(),
  status: Type.Union([Type.Literal('ONAY'), Type.Literal('RET')]),
});
export const RejectAllBody = Type.Object({ addressId: Type.String(), type: Type.String() });

export const Complaint = Type.Object({
  id: Type.String(),
  brandCode: Type.Integer(),
  brandName: Type.String(),
  company: Type.String(),
  iysCode: Type.Integer(),
  type: Type.String(),
  receivedAt: WireDate,
  messageText: Type.String(),
  hasScreenshot: Type.Boolean(),
  verdict: Type.String(),
  status: Type.String(),
  province: Type.Union([Type.String(), Type.Null()]),
  evidence: Type.Unknown(),
  createdAt: WireDate,
  decisionNote: Type.Union([Type.String(), Type.Null()], { description: "The regulator's latest note" }),
  decidedAt: Type.Union([WireDate, Type.Null()]),
  replies: Type.Array(Type.Object({ text: Type.String(), at: WireDate }), {
    description: "The citizen's answers to requests for more information",
  }),
});
