import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { hashSecret } from '../../crypto/secret-hash.js';
import { CONSENT_TYPES, isOneOf } from '../../domain/consent.js';
import { IysRequestError } from '../../domain/iys-errors.js';
import type { GatewayRepository } from '../../repositories/gateway.repository.js';

/** Verified credentials are remembered this long: argon2 per request would cap a gateway at ~20 checks/s. */
const CREDENTIAL_CACHE_MS = 30_000;

export interface GatewayAccount {
  id: number;
  name: string;
  channels: string[];
  /** Entitled to each answer's reason and since; otherwise allowed/blocked only. */
  seesDetail: boolean;
  /** May report line closures (see line-closure.service.ts). */
  closesLines: boolean;
}

const accountOf = (row: {
  id: number;
  name: string;
  channels: string[];
  sees_detail: boolean;
  closes_lines: boolean;
}): GatewayAccount => ({
  id: row.id,
  name: row.name,
  channels: row.channels,
  seesDetail: row.sees_detail,
  closesLines: row.closes_lines,
});

/** The gateway's accounts (AHS): who may ask, proven by HTTP Basic as the real AHS API, or a bearer token. */
export function createGatewayAccounts(gateway: GatewayRepository) {
  const credentials = new Map<string, { account: GatewayAccount; until: number }>();

  async function authenticate(authorization: string | undefined): Promise<GatewayAccount> {
    if (!authorization) throw IysRequestError.of('H351');
    const cached = credentials.get(authorization);
    if (cached && cached.until > Date.now()) return cached.account;
    let account: GatewayAccount | undefined;
    const bearer = /^bearer\s+(\S+)$/i.exec(authorization);
    const basic = /^basic\s+([A-Za-z0-9+/=]+)$/i.exec(authorization);
    if (bearer) {
      const found = await gateway.findAccountByToken(hashSecret(bearer[1]!));
      if (found) account = accountOf(found);
    } else if (basic) {
      const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      const found = colon > 0 ? await gateway.findAccountByUsername(decoded.slice(0, colon)) : undefined;
      if (found && (await verify(found.password_hash, decoded.slice(colon + 1)))) {
        account = accountOf(found);
      }
    }
    if (!account) throw IysRequestError.of('H351');
    if (credentials.size > 10_000) credentials.clear();
    credentials.set(authorization, { account, until: Date.now() + CREDENTIAL_CACHE_MS });
    return account;
  }

  return {
    authenticate,

    /**
     * Creates an AHS account; its password (HTTP Basic) and bearer token are returned once. `seesDetail`
     * entitles it to each answer's reason and since (a sender needs only allowed or not); `closesLines` lets
     * an operator report line closures.
     */
    async addAccount(
      name: string,
      channels: string[],
      options: { seesDetail?: boolean; closesLines?: boolean } = {},
    ) {
      if (channels.length === 0 || !channels.every((c) => isOneOf(CONSENT_TYPES, c))) {
        throw new Error('channels must be some of ARAMA, MESAJ, EPOSTA');
      }
      const username = `ahs-${randomBytes(4).toString('hex')}`;
      const password = randomBytes(18).toString('base64url');
      const token = randomBytes(24).toString('base64url');
      await gateway.insertAccount({
        name,
        channels,
        username,
        password_hash: await hash(password),
        token_hash: hashSecret(token),
        sees_detail: options.seesDetail ?? false,
        closes_lines: options.closesLines ?? false,
      });
      return { username, password, token };
    },
  };
}
