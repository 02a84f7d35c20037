import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { FieldCipher } from '../crypto/field-cipher.js';
import type { Database } from '../db/types.js';
import { IysRequestError } from '../domain/iys-errors.js';
import { requireBrandName } from './brand-names.js';
import { normaliseTypedPhone, parseRecipient } from '../domain/recipient.js';
import type { ApiUserRepository } from '../repositories/api-user.repository.js';
import type { BulkRequestRepository } from '../repositories/bulk-request.repository.js';
import type { ConsentRepository } from '../repositories/consent.repository.js';
import type { ProviderRepository } from '../repositories/provider.repository.js';
import type { RetailerRepository } from '../repositories/retailer.repository.js';
import { parsePage } from '../domain/retailer.js';
import { formatWireDate } from '../domain/wire-date.js';
import { hashPassword } from './auth.service.js';
import type { PortalAccountService, PortalSession } from './portal-account.service.js';
import type { RetailerService } from './retailer.service.js';
import type { BrandScope } from './tenancy.service.js';
import { isUniqueViolation } from '../db/errors.js';
import { codeOf } from '../domain/scalars.js';

const USERNAME = /^[a-z0-9][a-z0-9._-]{2,63}$/;

/**
 * What a provider's staff do in the portal besides files: brands, API credentials and looking up the consents
 * of one address. Every call is scoped to the signed-in user's own provider.
 */
export function createProviderPortalService(deps: {
  db: Kysely<Database>;
  providers: ProviderRepository;
  apiUsers: ApiUserRepository;
  consents: ConsentRepository;
  retailers: RetailerRepository;
  bulkRequests: BulkRequestRepository;
  retailerAdmin: RetailerService;
  portalAccounts: PortalAccountService;
  cipher: FieldCipher;
  clock?: () => Date;
}) {
  const {
    db,
    providers,
    apiUsers,
    consents,
    retailers,
    bulkRequests,
    retailerAdmin,
    portalAccounts,
    cipher,
  } = deps;
  const clock = deps.clock ?? (() => new Date());

  /** One of the signed-in company's brands, as the İYS API's tenancy would resolve it. */
  async function brandScope(session: PortalSession, brandCode: string): Promise<BrandScope> {
    const code = codeOf(brandCode);
    const brand = code === undefined ? undefined : await providers.findBrandByCode(code);
    const provider = await providers.findProviderById(session.providerId);
    if (!brand || !provider || brand.provider_id !== provider.id)
      throw IysRequestError.of('H930', { location: ['brandCode'], value: brandCode });
    return { provider, brand };
  }

  return {
    brandScope,

    listRetailers: async (
      session: PortalSession,
      brandCode: string,
      query: { offset?: string; limit?: string },
    ) => retailerAdmin.list(await brandScope(session, brandCode), query),

    addRetailer: async (session: PortalSession, brandCode: string, body: unknown) =>
      retailerAdmin.add(await brandScope(session, brandCode), body),

    /** Invites a user for one of the company's retailers: they will see only that retailer's consents. */
    async inviteRetailerUser(
      session: PortalSession,
      retailerCode: string,
      body: { email?: unknown; name?: unknown },
    ) {
      const code = /^\d{1,9}$/.test(retailerCode) ? Number(retailerCode) : -1;
      const retailer = await retailers.findForProvider(session.providerId, code);
      if (!retailer)
        throw IysRequestError.of('H180', {
          location: ['retailerCode'],
          value: retailerCode,
          vars: { retailerCode },
        });
      return portalAccounts.inviteColleague(session, body, retailer.id);
    },

    /** A retailer user's view: the consents their retailer collected or was given, with the addresses. */
    async retailerConsents(session: PortalSession, query: { offset?: string; limit?: string }) {
      if (!session.retailer) throw IysRequestError.of('H955');
      const page = parsePage(query);
      if (!page.ok) throw new IysRequestError(page.errors);
      const rows = await retailers.listVisibleTo(session.retailer.brandId, session.retailer.code, page.value);
      return rows.map((row) => ({
        recipient: cipher.openAddress(row.recipient_key, row.address_enc),
        recipientType: row.recipient_type,
        type: row.type,
        status: row.status,
        source: row.source,
        consentDate: row.consent_date,
      }));
    },

    /**
     * Every current consent of a brand as rows of EXPORT_COLUMNS, a page at a time: a brand of millions is
     * exported without holding it in memory. The columns start with the upload template's, so an export
     * can be uploaded again.
     */
    async exportConsents(session: PortalSession, brandCode: string): Promise<AsyncIterable<unknown[]>> {
      const scope = await brandScope(session, brandCode);
      return (async function* () {
        let after: { key: Buffer; recipientType: string; type: string } | null = null;
        for (;;) {
          const page = await consents.listBrandConsents(scope.brand.id, after, 5000);
          for (const c of page) {
            yield [
              cipher.openAddress(c.recipient_key, c.address_enc),
              c.recipient_type,
              c.type,
              c.status,
              c.source ?? '',
              formatWireDate(c.consent_date),
              c.retailer_code ?? '',
              c.retailer_access.join(';'),
              formatWireDate(c.creation_date),
              c.transaction_id,
            ];
          }
          if (page.length < 5000) return;
          const last = page.at(-1)!;
          after = { key: last.recipient_key, recipientType: last.recipient_type, type: last.type };
        }
      })();
    },

    /** The latest bulk requests sent through the API, with how many items succeeded and failed. */
    recentBulkRequests: (session: PortalSession) =>
      bulkRequests.listRecentForProvider(session.providerId, 20),

    async overview(session: PortalSession) {
      const [brands, counts] = await Promise.all([
        providers.listBrandsWithStats(session.providerId),
        providers.countConsentsByChannel(session.providerId),
      ]);
      return brands.map((brand) => ({
        brandCode: brand.brand_code,
        name: brand.name,
        master: brand.master,
        approval: brand.approval,
        rejection: brand.rejection,
        byChannel: counts
          .filter((c) => c.brandCode === brand.brand_code)
          .map(({ type, status, count }) => ({ type, status, count })),
      }));
    },

    async createBrand(session: PortalSession, name: unknown): Promise<{ brandCode: number; name: string }> {
      const brandName = await requireBrandName(providers, session.providerId, name);
      return db.transaction().execute(async (trx) => {
        const brandCode = await providers.nextRegistryCode(trx);
        await providers.insertBrand(
          { brand_code: brandCode, provider_id: session.providerId, name: brandName, master: false },
          trx,
        );
        return { brandCode, name: brandName };
      });
    },

    async renameBrand(session: PortalSession, brandCode: string, name: unknown): Promise<void> {
      const code = /^\d{1,10}$/.test(brandCode) ? Number(brandCode) : -1;
      const brandName = await requireBrandName(providers, session.providerId, name, code);
      if (!(await providers.renameBrand(session.providerId, code, brandName)))
        throw IysRequestError.of('H930', { location: ['brandCode'], value: brandCode });
    },

    async listApiUsers(session: PortalSession) {
      return (await apiUsers.listApiUsers(session.providerId)).map((u) => ({
        id: u.id,
        username: u.username,
        createdAt: u.created_at,
        revokedAt: u.revoked_at,
      }));
    },

    /** A new API credential; the password is returned once and stored only as an argon2id hash. */
    async createApiUser(
      session: PortalSession,
      username: unknown,
    ): Promise<{ id: number; username: string; password: string }> {
      const name = typeof username === 'string' ? username.trim().toLowerCase() : '';
      if (!USERNAME.test(name))
        throw IysRequestError.of('H940', {
          location: ['username'],
          value: username,
          vars: { field: 'username' },
        });
      const password = randomBytes(18).toString('base64url');
      try {
        const row = await apiUsers.insertApiUser({
          provider_id: session.providerId,
          username: name,
          password_hash: await hashPassword(password),
        });
        return { id: row.id, username: row.username, password };
      } catch (error) {
        if (isUniqueViolation(error))
          throw IysRequestError.of('H956', { location: ['username'], value: name });
        throw error;
      }
    },

    async revokeApiUser(session: PortalSession, id: string): Promise<void> {
      const userId = /^\d{1,9}$/.test(id) ? Number(id) : -1;
      if (!(await apiUsers.revokeApiUser(session.providerId, userId, clock())))
        throw IysRequestError.of('H904', { location: ['id'], value: id });
    },

    /** One address's consents and their history with this provider's brands: an exact blind-index lookup. */
    async searchRecipient(session: PortalSession, recipient: unknown) {
      const parsed = parseRecipient(normaliseTypedPhone(recipient));
      if (!parsed.ok)
        throw IysRequestError.of(parsed.error.code, { location: ['recipient'], value: recipient });
      const key = cipher.blindIndex(parsed.address);
      const brandIds = new Set((await providers.listBrandsWithStats(session.providerId)).map((b) => b.id));
      const [current, events] = await Promise.all([
        consents.listForRecipients([key]),
        consents.listEventsForRecipient(key),
      ]);
      return {
        recipient: parsed.address,
        consents: current
          .filter((c) => brandIds.has(c.brand_id))
          .map((c) => ({
            brandCode: c.brand_code,
            brandName: c.brand_name,
            recipientType: c.recipient_type,
            type: c.type,
            status: c.status,
            source: c.source,
            consentDate: c.consent_date,
            retailerCode: c.retailer_code,
          })),
        history: events
          .filter((e) => brandIds.has(e.brand_id))
          .map((e) => ({
            brandCode: e.brand_code,
            recipientType: e.recipient_type,
            type: e.type,
            status: e.status,
            source: e.source,
            consentDate: e.consent_date,
            creationDate: e.creation_date,
            transactionId: e.transaction_id,
          })),
      };
    },
  };
}

export type ProviderPortalService = ReturnType<typeof createProviderPortalService>;
