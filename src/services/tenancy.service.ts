import { IysRequestError } from '../domain/iys-errors.js';
import type { TokenOwner } from '../repositories/api-user.repository.js';
import type { BrandRow, ProviderRepository, ProviderRow } from '../repositories/provider.repository.js';

export interface BrandScope {
  provider: ProviderRow;
  brand: BrandRow;
}

/**
 * Binds every `/sps/{iysCode}/…` call to the token's provider. A foreign iysCode and a brand that is not
 * the caller's — whether it belongs to someone else or does not exist — get the same answer, so probing
 * reveals nothing about other tenants.
 */
export function createTenancyService(providers: ProviderRepository) {
  async function resolveProvider(owner: TokenOwner, iysCode: number): Promise<ProviderRow> {
    if (owner.iysCode !== iysCode)
      throw IysRequestError.of('H353', { location: ['iysCode'], value: iysCode });
    const provider = await providers.findProviderById(owner.providerId);
    if (!provider) throw IysRequestError.of('H353', { location: ['iysCode'], value: iysCode });
    return provider;
  }

  return {
    resolveProvider,

    async resolveBrand(owner: TokenOwner, iysCode: number, brandCode: number): Promise<BrandScope> {
      const provider = await resolveProvider(owner, iysCode);
      const brand = await providers.findBrandByCode(brandCode);
      if (!brand || brand.provider_id !== provider.id) {
        throw IysRequestError.of('H195', { location: ['brandCode'], value: brandCode });
      }
      return { provider, brand };
    },
  };
}

export type TenancyService = ReturnType<typeof createTenancyService>;
