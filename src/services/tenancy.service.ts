import type { ConsentType } from '../domain/consent.js';
import { IysRequestError } from '../domain/iys-errors.js';
import type { TokenOwner } from '../repositories/api-user.repository.js';
import type { IntegratorRepository } from '../repositories/integrator.repository.js';
import type { BrandRow, ProviderRepository, ProviderRow } from '../repositories/provider.repository.js';

/** What an integrator may do on a brand it was granted; the brand's own provider may do everything. */
export interface IntegratorRights {
  ARAMA: boolean;
  MESAJ: boolean;
  EPOSTA: boolean;
  reconciliation: boolean;
}

export interface BrandScope {
  provider: ProviderRow;
  brand: BrandRow;
  /** Set when an integrator acts for the provider: only these rights hold. */
  rights?: IntegratorRights;
}

/** H355 unless the scope may work on this channel. */
export function requireChannelRight(
  scope: BrandScope,
  type: string,
  location: (string | number)[] = ['type'],
): void {
  if (scope.rights && !scope.rights[type as 'ARAMA' | 'MESAJ' | 'EPOSTA'])
    throw IysRequestError.of('H355', { location, value: type, vars: { type } });
}

/** The channels a scope may see (all three for the brand's own provider). */
export function allowedChannels(scope: BrandScope): ConsentType[] {
  return (['ARAMA', 'MESAJ', 'EPOSTA'] as const).filter((type) => !scope.rights || scope.rights[type]);
}

/** Services an integrator never gets (retailers), or only with the reconciliation right. */
export function requireOwnerOrRight(scope: BrandScope, right?: 'reconciliation'): void {
  if (scope.rights && !(right && scope.rights[right])) throw IysRequestError.of('H363');
}

/**
 * Binds every `/sps/{iysCode}/…` call to the token's provider, or to a provider that granted the token's
 * company integrator rights on that brand. A foreign iysCode and a brand that is not the caller's —
 * whether it belongs to someone else or does not exist — get the same answer, so probing reveals nothing
 * about other tenants.
 */
export function createTenancyService(providers: ProviderRepository, integrators: IntegratorRepository) {
  async function resolveProvider(owner: TokenOwner, iysCode: number): Promise<ProviderRow> {
    if (owner.iysCode !== iysCode)
      throw IysRequestError.of('H353', { location: ['iysCode'], value: iysCode });
    const provider = await providers.findProviderById(owner.providerId);
    if (!provider) throw IysRequestError.of('H353', { location: ['iysCode'], value: iysCode });
    return provider;
  }

  /** An integrator's way in: a grant on this brand from the provider in the path. */
  async function resolveGrantedBrand(
    owner: TokenOwner,
    iysCode: number,
    brandCode: number,
  ): Promise<BrandScope> {
    const provider = await providers.findProviderByIysCode(iysCode);
    const brand = await providers.findBrandByCode(brandCode);
    const grant =
      provider && brand && brand.provider_id === provider.id && provider.status === 'active'
        ? await integrators.findGrant(brand.id, owner.providerId)
        : undefined;
    if (!provider || !brand || !grant)
      throw IysRequestError.of('H353', { location: ['iysCode'], value: iysCode });
    return {
      provider,
      brand,
      rights: {
        ARAMA: grant.arama,
        MESAJ: grant.mesaj,
        EPOSTA: grant.eposta,
        reconciliation: grant.reconciliation,
      },
    };
  }

  return {
    resolveProvider,

    async resolveBrand(owner: TokenOwner, iysCode: number, brandCode: number): Promise<BrandScope> {
      if (owner.iysCode !== iysCode) return resolveGrantedBrand(owner, iysCode, brandCode);
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
