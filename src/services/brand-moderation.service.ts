import { IysRequestError } from '../domain/iys-errors.js';
import { codeOf } from '../domain/scalars.js';
import type { AuditRepository } from '../repositories/audit.repository.js';
import type { ProviderRepository } from '../repositories/provider.repository.js';
import { requireBrandName } from './brand-names.js';
import { staffActor, type Staff } from './regulator.service.js';

const MAX_REASON_CHARS = 1000;

/**
 * The regulator's hand on brand names, which the registry sends in its own SMS and e-mail: rename a brand
 * whose name misleads, or block it (no new ONAY, no notice naming it) until the matter is settled. Every
 * step is in the audit log with the reason and the names before and after.
 */
export function createBrandModerationService(deps: {
  providers: ProviderRepository;
  audit: AuditRepository;
  clock?: () => Date;
}) {
  const { providers, audit } = deps;
  const clock = deps.clock ?? (() => new Date());

  async function requireBrand(brandCode: string) {
    const code = codeOf(brandCode);
    const brand = code === undefined ? undefined : await providers.findBrandByCode(code);
    if (!brand) throw IysRequestError.of('H930', { location: ['brandCode'], value: brandCode });
    return brand;
  }

  function requireReason(value: unknown): string {
    const reason = typeof value === 'string' ? value.trim() : '';
    if (reason === '' || reason.length > MAX_REASON_CHARS)
      throw IysRequestError.of('H940', { location: ['reason'], vars: { field: 'reason' } });
    return reason;
  }

  return {
    async rename(staff: Staff, brandCode: string, body: { name?: unknown; reason?: unknown }) {
      const brand = await requireBrand(brandCode);
      const reason = requireReason(body.reason);
      const name = await requireBrandName(providers, brand.provider_id, body.name, brand.brand_code);
      await providers.renameBrand(brand.provider_id, brand.brand_code, name);
      await audit.record({
        ...staffActor(staff),
        action: 'brand.rename',
        target: `brand:${brand.brand_code}`,
        details: { from: brand.name, to: name, reason },
      });
      return { brandCode: brand.brand_code, name, blocked: brand.blocked_at !== null };
    },

    async block(staff: Staff, brandCode: string, body: { reason?: unknown }) {
      const brand = await requireBrand(brandCode);
      const reason = requireReason(body.reason);
      await providers.setBrandBlock(brand.id, { at: clock(), reason });
      await audit.record({
        ...staffActor(staff),
        action: 'brand.block',
        target: `brand:${brand.brand_code}`,
        details: { name: brand.name, reason },
      });
      return { brandCode: brand.brand_code, name: brand.name, blocked: true };
    },

    async unblock(staff: Staff, brandCode: string, body: { reason?: unknown }) {
      const brand = await requireBrand(brandCode);
      const reason = requireReason(body.reason);
      await providers.setBrandBlock(brand.id, null);
      await audit.record({
        ...staffActor(staff),
        action: 'brand.unblock',
        target: `brand:${brand.brand_code}`,
        details: { name: brand.name, reason },
      });
      return { brandCode: brand.brand_code, name: brand.name, blocked: false };
    },
  };
}

export type BrandModerationService = ReturnType<typeof createBrandModerationService>;
