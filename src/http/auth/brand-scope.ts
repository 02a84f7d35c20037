import type { FastifyRequest } from 'fastify';
import type { BrandScope, TenancyService } from '../../services/tenancy.service.js';
import { parseBrandCode, parseIysCode } from '../params.js';
import { ownerOf } from './bearer.js';

/** The `/sps/{iysCode}/brands/{brandCode}` of a request, checked against the caller's token. */
export function brandScopeOf(tenancy: TenancyService, request: FastifyRequest): Promise<BrandScope> {
  const params = request.params as { iysCode: string; brandCode: string };
  return tenancy.resolveBrand(
    ownerOf(request),
    parseIysCode(params.iysCode),
    parseBrandCode(params.brandCode),
  );
}
