import { randomBytes } from 'node:crypto';
import { brandNameKey, checkBrandName } from '../domain/brand-name.js';
import type { ApiUserRepository } from '../repositories/api-user.repository.js';
import type { ProviderRepository, ProviderRow } from '../repositories/provider.repository.js';
import { hashPassword } from './auth.service.js';

export interface NewProvider {
  iysCode: number;
  title: string;
  kind?: ProviderRow['kind'];
  activatedAt?: Date;
}

export class AdminError extends Error {
  override name = 'AdminError';
}

/** Registry administration: providers, their brands and API users (CLI and, later, the admin console). */
export function createProviderService(
  providers: ProviderRepository,
  users: ApiUserRepository,
  clock = () => new Date(),
) {
  async function requireProvider(iysCode: number): Promise<ProviderRow> {
    const provider = await providers.findProviderByIysCode(iysCode);
    if (!provider) throw new AdminError(`No provider with iysCode ${iysCode}`);
    return provider;
  }

  const service = {
    async addProvider(input: NewProvider): Promise<ProviderRow> {
      if (await providers.findProviderByIysCode(input.iysCode)) {
        throw new AdminError(`A provider with iysCode ${input.iysCode} already exists`);
      }
      return providers.insertProvider({
        iys_code: input.iysCode,
        kind: input.kind ?? 'TUZEL',
        title: input.title,
        status: 'active',
        activated_at: input.activatedAt ?? clock(),
      });
    },

    async addBrand(iysCode: number, brandCode: number, name: string, master = false) {
      const provider = await requireProvider(iysCode);
      if (await providers.findBrandByCode(brandCode))
        throw new AdminError(`Brand code ${brandCode} is taken`);
      const checked = checkBrandName(name);
      if ('problem' in checked)
        throw new AdminError(
          `Brand name refused (${checked.problem}): no links, domains, phone numbers or hidden characters`,
        );
      const taken = (await providers.brandNamesOf(provider.id)).map(brandNameKey);
      if (taken.includes(brandNameKey(checked.name)))
        throw new AdminError(`${provider.title} already has a brand named so`);
      return providers.insertBrand({
        brand_code: brandCode,
        provider_id: provider.id,
        name: checked.name,
        master,
      });
    },

    /** Creates an API user; without a password one is generated. The secret is returned once, stored hashed. */
    async addApiUser(iysCode: number, username: string, password?: string) {
      const provider = await requireProvider(iysCode);
      if (await users.findActiveApiUser(username)) throw new AdminError(`Username ${username} is taken`);
      const secret = password ?? randomBytes(18).toString('base64url');
      await users.insertApiUser({
        provider_id: provider.id,
        username,
        password_hash: await hashPassword(secret),
      });
      return { username, password: secret };
    },

    /**
     * The sandbox: two tenants, so a newcomer can try the API at once and see isolation. Activated on
     * 2020-01-01 like a long-registered company: the upload deadline applies to anything dated after it.
     * Returns false when the database already holds providers.
     */
    async seedDemo(): Promise<boolean> {
      if ((await providers.countProviders()) > 0) return false;
      const activatedAt = new Date('2019-12-31T21:00:00Z');
      await service.addProvider({ iysCode: 700001, title: 'Demo Hizmet Sağlayıcı A.Ş.', activatedAt });
      await service.addBrand(700001, 700010, 'Demo Marka', true);
      await service.addBrand(700001, 700011, 'Demo Marka İki');
      await service.addApiUser(700001, 'demo', 'demo-password-123');
      await service.addProvider({ iysCode: 700002, title: 'Diğer Şirket Ltd.', activatedAt });
      await service.addBrand(700002, 700020, 'Diğer Marka', true);
      await service.addApiUser(700002, 'other', 'other-password-123');
      return true;
    },
  };
  return service;
}

export type ProviderService = ReturnType<typeof createProviderService>;
