import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from '@sinclair/typebox';
import type { BrandWithStats, ProviderRepository } from '../../../repositories/provider.repository.js';
import type { AuthService } from '../../../services/auth.service.js';
import type { TenancyService } from '../../../services/tenancy.service.js';
import { ownerOf, requireBearer } from '../../auth/bearer.js';
import type { WindowLimiter } from '../../rate-limit.js';
import { parseIysCode } from '../../params.js';
import { ErrorResponse } from '../consents/schema.js';
import { BrandListResponse, type BrandResponse } from './schema.js';

function presentBrand(brand: BrandWithStats): Static<typeof BrandResponse> {
  return {
    brandCode: brand.brand_code,
    name: brand.name,
    master: brand.master,
    stats: {
      consents: {
        approval: brand.approval,
        rejection: brand.rejection,
        total: brand.approval + brand.rejection,
      },
      retailers: { total: 0 },
    },
  };
}

export function brandRoutes(deps: {
  auth: AuthService;
  apiRequestLimiter: WindowLimiter;
  tenancy: TenancyService;
  providers: ProviderRepository;
}): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/sps/:iysCode/brands',
      {
        preHandler: requireBearer(deps.auth, deps.apiRequestLimiter),
        schema: {
          tags: ['Marka'],
          summary: "List the provider's brands with consent counts",
          params: Type.Object({ iysCode: Type.String() }),
          security: [{ bearer: [] }],
          response: { 200: BrandListResponse, '4xx': ErrorResponse },
        },
      },
      async (request) => {
        const provider = await deps.tenancy.resolveProvider(
          ownerOf(request),
          parseIysCode(request.params.iysCode),
        );
        const brands = await deps.providers.listBrandsWithStats(provider.id);
        return brands.map(presentBrand);
      },
    );
  };
}
