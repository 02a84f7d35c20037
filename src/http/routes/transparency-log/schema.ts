import { Type } from '@sinclair/typebox';

/* The transparency log's wire shapes, shared by its public API and the receipts handed to providers and citizens. */

export const Jwk = Type.Object({
  kty: Type.Literal('OKP'),
  crv: Type.Literal('Ed25519'),
  x: Type.String(),
  kid: Type.String(),
  alg: Type.Literal('EdDSA'),
  use: Type.Literal('sig'),
});
export const SignedTreeHead = Type.Object({
  treeSize: Type.Integer(),
  timestamp: Type.Integer({ description: 'epoch milliseconds' }),
  rootHash: Type.String(),
  jws: Type.String({ description: 'compact JWS (EdDSA) over exactly {treeSize, timestamp, rootHash}' }),
});

/** A receipt: the event's canonical text, its leaf, the audit path and the first signed head holding it. */
export const LogReceipt = Type.Object({
  transactionId: Type.String(),
  canonical: Type.String({
    description: 'the exact text whose SHA-256 (after a 0x00 byte) is the leaf hash',
  }),
  leafHash: Type.String(),
  leafIndex: Type.Integer(),
  treeSize: Type.Integer(),
  auditPath: Type.Array(Type.String()),
  sth: SignedTreeHead,
});
