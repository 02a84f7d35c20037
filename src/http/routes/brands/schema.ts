import { Type } from '@sinclair/typebox';

export const BrandResponse = Type.Object({
  brandCode: Type.Integer(),
  name: Type.String(),
  master: Type.Boolean(),
  stats: Type.Object({
    consents: Type.Object({ approval: Type.Integer(), rejection: Type.Integer(), total: Type.Integer() }),
    retailers: Type.Object({ total: Type.Integer() }),
  }),
});

export const BrandListResponse = Type.Array(BrandResponse);
