import { IysRequestError } from '../domain/iys-errors.js';
import type { TokenOwner } from '../repositories/api-user.repository.js';
import type { IntegratorRepository } from '../repositories/integrator.repository.js';
import type { ProviderRepository } from '../repositories/provider.repository.js';
import type { PortalSession } from './portal-account.service.js';
import { codeOf, textOf } from '../domain/scalars.js';

const right = (granted: boolean) => (granted ? 'write' : 'none');

interface AuthorisedBrand {
  brandCode: number;
  name: string;
  master: boolean;
  agreementControl: boolean;
  ARAMA: string;
  MESAJ: string;
  EPOSTA: string;
}

/**
 * Integrators (iş ortağı, iys-api.md §3.2): a provider grants another registered company rights on a brand
 * per channel and for reconciliation; that company lists what it may do through the İYS integrator paths.
 */
export function createIntegratorService(deps: {
  integrators: IntegratorRepository;
  providers: ProviderRepository;
}) {
  const { integrators, providers } = deps;

  async function requireBrand(session: PortalSession, brandCode: unknown) {
    const code = codeOf(brandCode);
    const brand = code === undefined ? undefined : await providers.findBrandByCode(code);
    if (!brand || brand.provider_id !== session.providerId)
      throw IysRequestError.of('H930', { location: ['brandCode'], value: brandCode });
    return brand;
  }

  async function requireIntegrator(code: unknown, session: PortalSession) {
    const iysCode = codeOf(code);
    const integrator = iysCode === undefined ? undefined : await providers.findProviderByIysCode(iysCode);
    if (!integrator || integrator.status !== 'active' || integrator.id === session.providerId)
      throw IysRequestError.of('H129', {
        location: ['integratorCode'],
        value: code,
        vars: { iysCode: textOf(code) },
      });
    return integrator;
  }

  return {
    /** Grants (or changes) an integrator's rights on one of the company's brands. */
    async grant(
      session: PortalSession,
      body: {
        brandCode?: unknown;
        integratorCode?: unknown;
        ARAMA?: unknown;
        MESAJ?: unknown;
        EPOSTA?: unknown;
        agreementControl?: unknown;
      },
    ) {
      const brand = await requireBrand(session, body.brandCode);
      const integrator = await requireIntegrator(body.integratorCode, session);
      const rights = {
        arama: body.ARAMA === true,
        mesaj: body.MESAJ === true,
        eposta: body.EPOSTA === true,
        reconciliation: body.agreementControl === true,
      };
      if (!Object.values(rights).some(Boolean))
        throw IysRequestError.of('H940', {
          location: ['rights'],
          vars: { field: 'ARAMA/MESAJ/EPOSTA/agreementControl' },
        });
      await integrators.upsertGrant({ brand_id: brand.id, integrator_provider_id: integrator.id, ...rights });
    },

    async revoke(session: PortalSession, brandCode: string, integratorCode: string): Promise<void> {
      const brand = await requireBrand(session, brandCode);
      const integrator = await requireIntegrator(integratorCode, session);
      if (!(await integrators.deleteGrant(brand.id, integrator.id)))
        throw IysRequestError.of('H904', { location: ['integratorCode'], value: integratorCode });
    },

    async listGiven(session: PortalSession) {
      return (await integrators.listGivenBy(session.providerId)).map((g) => ({
        brandCode: g.brand_code,
        brandName: g.brand_name,
        integratorCode: g.integrator_code,
        integratorTitle: g.integrator_title,
        ARAMA: g.arama,
        MESAJ: g.mesaj,
        EPOSTA: g.eposta,
        agreementControl: g.reconciliation,
      }));
    },

    /**
     * GET /integrator/{integratorCode}/sps[/{iysCode}]: the providers that authorised the caller, with the
     * brands and rights, in the paginated envelope real clients read (`list[0].brands`).
     */
    async listAuthorisations(owner: TokenOwner, integratorCode: string, iysCode?: string) {
      if (String(owner.iysCode) !== integratorCode)
        throw IysRequestError.of('H129', {
          location: ['integratorCode'],
          value: integratorCode,
          vars: { iysCode: integratorCode },
        });
      if (iysCode !== undefined && !/^\d{1,10}$/.test(iysCode))
        throw IysRequestError.of('H190', { location: ['iysCode'], value: iysCode });
      const held = (await integrators.listHeldBy(owner.providerId)).filter(
        (g) => iysCode === undefined || String(g.iys_code) === iysCode,
      );
      if (iysCode !== undefined && held.length === 0)
        throw IysRequestError.of('H245', { location: ['iysCode'], value: iysCode });
      const byProvider = new Map<number, { title: string; iysCode: number; brands: AuthorisedBrand[] }>();
      for (const g of held) {
        const entry = byProvider.get(g.iys_code) ?? { title: g.title, iysCode: g.iys_code, brands: [] };
        entry.brands.push({
          brandCode: g.brand_code,
          name: g.brand_name,
          master: g.master,
          agreementControl: g.reconciliation,
          ARAMA: right(g.arama),
          MESAJ: right(g.mesaj),
          EPOSTA: right(g.eposta),
        });
        byProvider.set(g.iys_code, entry);
      }
      const list = [...byProvider.values()];
      const self = await providers.findProviderById(owner.providerId);
      return {
        pagination: { offset: 0, totalCount: list.length, pageSize: list.length },
        title: self?.title ?? '',
        list,
      };
    },
  };
}

export type IntegratorService = ReturnType<typeof createIntegratorService>;
