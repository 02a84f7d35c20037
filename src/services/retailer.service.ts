import type { Kysely } from 'kysely';
import type { FieldCipher } from '../crypto/field-cipher.js';
import type { Database } from '../db/types.js';
import { IysRequestError, iysError, type IysErrorItem } from '../domain/iys-errors.js';
import {
  MAX_RETAILERS_PER_BRAND,
  parseAccessRequest,
  parsePage,
  parseRetailer,
  type AccessRequest,
} from '../domain/retailer.js';
import type { ProviderRepository } from '../repositories/provider.repository.js';
import type { RetailerRepository, RetailerRow } from '../repositories/retailer.repository.js';
import type { BrandScope } from './tenancy.service.js';
import { isUniqueViolation } from '../db/errors.js';

export interface RetailerView {
  retailerCode: number;
  title: string;
  alias: string | null;
  mersis: string | null;
  name: string;
  tckn: string;
  mobile: string | null;
  city: { code: string; name: string };
  town: { code: string; name: string };
  status: string;
  canBeDeleted: 'true' | 'false';
  retailerAccessCount: number;
}

export interface Page<T> {
  pagination: { offset: number; pageSize: number; totalCount: number };
  list: T[];
}

const flagOf = (value: string | undefined, code: 'H184' | 'H185', name: string): boolean | undefined => {
  if (value === undefined || value === '') return undefined;
  if (value === 'true' || value === 'false') return value === 'true';
  throw IysRequestError.of(code, { location: [name], value });
};

/**
 * Retailers (bayi) of a brand and which consents they may see (iys-api.md §3.4–§3.5). The retailer's
 * authorised person's name, TCKN and mobile are personal data and stored encrypted; a blind index of the
 * TCKN keeps "the same TCKN and MERSİS only once" enforceable.
 */
export function createRetailerService(deps: {
  db: Kysely<Database>;
  retailers: RetailerRepository;
  providers: ProviderRepository;
  cipher: FieldCipher;
  clock?: () => Date;
}) {
  const { db, retailers, providers, cipher, clock = () => new Date() } = deps;
  const aad = (tcknKey: Buffer, field: string) => Buffer.concat([tcknKey, Buffer.from(`:retailer:${field}`)]);

  function present(row: RetailerRow): RetailerView {
    return {
      retailerCode: row.retailer_code,
      title: row.title,
      alias: row.alias,
      mersis: row.mersis,
      name: cipher.decrypt(row.name_enc, aad(row.tckn_key, 'name')),
      tckn: cipher.decrypt(row.tckn_enc, aad(row.tckn_key, 'tckn')),
      mobile: row.mobile_enc ? cipher.decrypt(row.mobile_enc, aad(row.tckn_key, 'mobile')) : null,
      city: { code: row.city_code, name: row.city_name },
      town: { code: row.town_code, name: row.town_name },
      status: row.status,
      canBeDeleted: row.linked ? 'false' : 'true',
      retailerAccessCount: row.access_count,
    };
  }

  function unwrap<T>(parsed: { ok: true; value: T } | { ok: false; errors: IysErrorItem[] }): T {
    if (!parsed.ok) throw new IysRequestError(parsed.errors);
    return parsed.value;
  }

  function requireCode(value: string): number {
    if (!/^\d{1,9}$/.test(value))
      throw IysRequestError.of('H180', { location: ['retailerCode'], value, vars: { retailerCode: value } });
    return Number(value);
  }

  /** H180 (403) per unknown retailer code, at its place in `retailerAccess`. */
  async function requireRetailers(brandId: number, codes: number[]): Promise<void> {
    const known = await retailers.findExistingCodes(db, brandId, codes);
    const errors = codes.flatMap((code, index) =>
      known.has(code)
        ? []
        : [
            iysError('H180', {
              location: ['retailerAccess', index],
              value: code,
              vars: { retailerCode: String(code) },
            }),
          ],
    );
    if (errors.length > 0) throw new IysRequestError(errors);
  }

  /**
   * Changes the access lists of existing consents in one transaction. Recipients without a consent get H401
   * at their place; when none has one, the request fails.
   */
  async function changeAccess(
    scope: BrandScope,
    request: AccessRequest,
    change: (current: number[]) => number[],
    linking = false,
  ): Promise<{ errors: IysErrorItem[]; transactionIds: string[] }> {
    const keys = request.recipients.map((r) => cipher.blindIndex(r.address));
    return db.transaction().execute(async (trx) => {
      const found = await retailers.findConsents(
        trx,
        scope.brand.id,
        keys,
        request.recipientType,
        request.type,
      );
      const byKey = new Map(found.map((row) => [row.recipient_key.toString('hex'), row]));
      const errors: IysErrorItem[] = [];
      const transactionIds: string[] = [];
      for (const [index, key] of keys.entries()) {
        const row = byKey.get(key.toString('hex'));
        if (!row) {
          const location =
            request.recipients.length === 1 && index === 0 ? ['recipient'] : ['recipients', index];
          errors.push(iysError('H401', { location, value: request.recipients[index]!.original }));
          continue;
        }
        const next = change(row.retailer_access);
        if (next.join() !== row.retailer_access.join())
          await retailers.setAccess(trx, scope.brand.id, key, request.recipientType, request.type, next);
        transactionIds.push(row.transaction_id);
      }
      if (transactionIds.length === 0) throw new IysRequestError(errors);
      if (linking) await retailers.markLinked(trx, scope.brand.id, request.retailerAccess);
      return { errors, transactionIds };
    });
  }

  const union = (codes: number[]) => (current: number[]) =>
    [...new Set([...current, ...codes])].sort((a, b) => a - b);

  return {
    async add(scope: BrandScope, body: unknown): Promise<{ retailerCode: number }> {
      const input = unwrap(parseRetailer(body));
      const tcknKey = cipher.blindIndex(`tckn:${input.tckn}`);
      try {
        return await db.transaction().execute(async (trx) => {
          // The brand row lock serialises additions, so two requests cannot both pass the 3000 check.
          await retailers.lockBrand(trx, scope.brand.id);
          if ((await retailers.countForBrand(trx, scope.brand.id)) >= MAX_RETAILERS_PER_BRAND)
            throw IysRequestError.of('H958');
          const retailerCode = await providers.nextRegistryCode(trx);
          await retailers.insertRetailer(trx, {
            retailer_code: retailerCode,
            brand_id: scope.brand.id,
            title: input.title,
            alias: input.alias,
            mersis: input.mersis,
            name_enc: cipher.encrypt(input.name, aad(tcknKey, 'name')),
            tckn_key: tcknKey,
            tckn_enc: cipher.encrypt(input.tckn, aad(tcknKey, 'tckn')),
            mobile_enc: input.mobile ? cipher.encrypt(input.mobile, aad(tcknKey, 'mobile')) : null,
            city_code: input.city.code,
            city_name: input.city.name,
            town_code: input.town.code,
            town_name: input.town.name,
            status: input.status,
          });
          return { retailerCode };
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw IysRequestError.of('H957', { location: ['tckn'] });
        throw error;
      }
    },

    async list(
      scope: BrandScope,
      query: { offset?: string; limit?: string; all?: string; short?: string },
    ): Promise<Page<RetailerView | Pick<RetailerView, 'retailerCode' | 'title' | 'alias' | 'status'>>> {
      const page = unwrap(parsePage(query));
      const onlyActive = flagOf(query.all, 'H184', 'all') === false;
      const short = flagOf(query.short, 'H185', 'short') === true;
      const [rows, totalCount] = await Promise.all([
        retailers.listForBrand(scope.brand.id, page, onlyActive),
        retailers.countListed(scope.brand.id, onlyActive),
      ]);
      const list = rows.map(present);
      return {
        pagination: { offset: page.offset, pageSize: page.limit, totalCount },
        list: short
          ? list.map(({ retailerCode, title, alias, status }) => ({ retailerCode, title, alias, status }))
          : list,
      };
    },

    async get(scope: BrandScope, retailerCode: string): Promise<RetailerView> {
      const code = requireCode(retailerCode);
      const row = await retailers.findByCode(scope.brand.id, code);
      if (!row)
        throw IysRequestError.of('H180', {
          location: ['retailerCode'],
          value: code,
          vars: { retailerCode: String(code) },
        });
      return present(row);
    },

    async remove(scope: BrandScope, retailerCode: string): Promise<void> {
      const code = requireCode(retailerCode);
      if (await retailers.deleteUnlinked(scope.brand.id, code)) return;
      if (await retailers.findByCode(scope.brand.id, code)) throw IysRequestError.of('H959', { value: code });
      throw IysRequestError.of('H180', {
        location: ['retailerCode'],
        value: code,
        vars: { retailerCode: String(code) },
      });
    },

    /** POST …/consents/retailers/access: adds retailers to one consent's access list. */
    async giveAccess(scope: BrandScope, body: unknown) {
      const request = unwrap(
        parseAccessRequest(body, { one: true, withRetailers: true, invalidCode: 'H171' }),
      );
      await requireRetailers(scope.brand.id, request.retailerAccess);
      const { transactionIds } = await changeAccess(scope, request, union(request.retailerAccess), true);
      return { transactionId: transactionIds[0]!, creationDate: clock() };
    },

    /** PUT …/consents/retailers/access: gives retailers access to up to 100 consents at once. */
    async giveAccessToMany(scope: BrandScope, body: unknown) {
      const request = unwrap(
        parseAccessRequest(body, { one: false, withRetailers: true, invalidCode: 'H171' }),
      );
      await requireRetailers(scope.brand.id, request.retailerAccess);
      const { errors } = await changeAccess(scope, request, union(request.retailerAccess), true);
      return { creationDate: clock(), errors };
    },

    /** POST …/consents/retailers/access/list: the retailers that may see one consent, paginated. */
    async listAccess(
      scope: BrandScope,
      body: unknown,
      query: { offset?: string; limit?: string },
    ): Promise<Page<RetailerView>> {
      const page = unwrap(parsePage(query));
      const request = unwrap(
        parseAccessRequest(body, { one: true, withRetailers: false, invalidCode: 'H173' }),
      );
      const key = cipher.blindIndex(request.recipients[0]!.address);
      const [consent] = await retailers.findConsents(
        db,
        scope.brand.id,
        [key],
        request.recipientType,
        request.type,
      );
      if (!consent)
        throw IysRequestError.of('H401', { location: ['recipient'], value: request.recipients[0]!.original });
      const codes = consent.retailer_access.slice(page.offset, page.offset + page.limit);
      return {
        pagination: { offset: page.offset, pageSize: page.limit, totalCount: consent.retailer_access.length },
        list: (await retailers.listByCodes(scope.brand.id, codes)).map(present),
      };
    },

    /** POST …/consents/retailer/access/remove: removes only the listed retailers. */
    async removeAccess(scope: BrandScope, body: unknown): Promise<void> {
      const request = unwrap(
        parseAccessRequest(body, { one: false, withRetailers: true, invalidCode: 'H172' }),
      );
      await requireRetailers(scope.brand.id, request.retailerAccess);
      await changeAccess(scope, request, (current) =>
        current.filter((code) => !request.retailerAccess.includes(code)),
      );
    },

    /** POST …/consents/retailers/access/remove/all: no retailer may see these consents any more. */
    async removeAllAccess(scope: BrandScope, body: unknown): Promise<void> {
      const request = unwrap(
        parseAccessRequest(body, { one: false, withRetailers: false, invalidCode: 'H172' }),
      );
      await changeAccess(scope, request, () => []);
    },
  };
}

export type RetailerService = ReturnType<typeof createRetailerService>;
