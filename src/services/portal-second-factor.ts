import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { authenticator } from 'otplib';
import QRCode from 'qrcode';
import type { FieldCipher } from '../crypto/field-cipher.js';
import { hashSecret } from '../crypto/secret-hash.js';
import type { Database } from '../db/types.js';
import { IysRequestError } from '../domain/iys-errors.js';
import type { PortalUserRepository, PortalUserRow } from '../repositories/portal-user.repository.js';

export const RECOVERY_CODES = 10;
/** 32 letters and digits without the look-alikes 0/O and 1/I: a code read off paper is typed right. */
const RECOVERY_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** `ABCDE-FGHJK`: 10 characters of 5 random bits each (50 bits), one-time. */
function newRecoveryCode(): string {
  const chars = [...randomBytes(10)].map((byte) => RECOVERY_ALPHABET[byte & 31]!).join('');
  return `${chars.slice(0, 5)}-${chars.slice(5)}`;
}

/** As typed: any case, with or without the dash and spaces. */
const normaliseRecoveryCode = (typed: string) => typed.toUpperCase().replace(/[\s-]/g, '');

/**
 * The portal's second factor: a TOTP app (set up from a QR code) and ten one-time recovery codes for the day
 * the phone is lost. Codes are checked here for sign-in and for setting a new password from an e-mailed link,
 * so a stolen mailbox alone never opens an account that has the second factor on.
 */
export function createSecondFactor(deps: {
  db: Kysely<Database>;
  users: PortalUserRepository;
  cipher: FieldCipher;
  clock: () => Date;
}) {
  const { db, users, cipher, clock } = deps;
  const totpAad = (userId: number) => Buffer.from(`portal-user:${userId}:totp`);
  /** A 6-digit code from the user's app, valid now (one 30-second step of clock drift allowed). */
  const totpMatches = (code: unknown, secret: string): boolean => {
    const digits = typeof code === 'string' ? code.replace(/\s/g, '') : '';
    return (
      /^\d{6}$/.test(digits) &&
      authenticator.clone({ epoch: clock().getTime(), window: 1 }).check(digits, secret)
    );
  };
  const hashRecoveryCode = (code: string) => hashSecret(`portal-recovery:${normaliseRecoveryCode(code)}`);

  /** New codes for the user (the old ones stop working); returned once, stored hashed. */
  async function issueRecoveryCodes(executor: Kysely<Database>, userId: number): Promise<string[]> {
    const codes = Array.from({ length: RECOVERY_CODES }, newRecoveryCode);
    await users.replaceRecoveryCodes(executor, userId, codes.map(hashRecoveryCode));
    return codes;
  }

  /** The app's current code, or else a recovery code (spent by this check). */
  async function check(user: Pick<PortalUserRow, 'id' | 'totp_secret_enc'>, code: unknown): Promise<boolean> {
    if (!user.totp_secret_enc || typeof code !== 'string' || code.length > 64) return false;
    if (totpMatches(code, cipher.decrypt(user.totp_secret_enc, totpAad(user.id)))) return true;
    return /^[A-Z2-9]{10}$/.test(normaliseRecoveryCode(code))
      ? users.spendRecoveryCode(user.id, hashRecoveryCode(code), clock())
      : false;
  }

  const wrongCode = () => IysRequestError.of('H951', { location: ['code'], value: 'invalid' });

  return {
    /**
     * Whether signing in (or setting a password) may go on: true without a second factor; with one, the
     * app's code or a recovery code. An empty code is "asked for", not "wrong".
     */
    async verify(
      user: Pick<PortalUserRow, 'id' | 'totp_secret_enc'>,
      code: unknown,
    ): Promise<'ok' | 'required' | 'wrong'> {
      if (!user.totp_secret_enc) return 'ok';
      if (typeof code !== 'string' || code.trim() === '') return 'required';
      return (await check(user, code)) ? 'ok' : 'wrong';
    },

    /** A fresh secret, its otpauth:// URI and the URI as a QR code (SVG) to scan; nothing is stored yet. */
    async propose(label: string): Promise<{ secret: string; uri: string; qrSvg: string }> {
      const secret = authenticator.generateSecret(20);
      const uri = authenticator.keyuri(label, 'openiys', secret);
      return {
        secret,
        uri,
        qrSvg: await QRCode.toString(uri, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' }),
      };
    },

    /** Turns the factor on once the app produces the right code; returns the recovery codes, shown once. */
    async enable(userId: number, secret: unknown, code: unknown): Promise<string[]> {
      if (typeof secret !== 'string' || !/^[A-Z2-7]{16,64}$/.test(secret))
        throw IysRequestError.of('H940', { location: ['secret'], vars: { field: 'secret' } });
      if (!totpMatches(code, secret)) throw wrongCode();
      return db.transaction().execute(async (trx) => {
        await users.updateUser(trx, userId, { totp_secret_enc: cipher.encrypt(secret, totpAad(userId)) });
        return issueRecoveryCodes(trx, userId);
      });
    },

    async disable(userId: number, code: unknown): Promise<void> {
      const user = await users.findUser(userId);
      if (!user?.totp_secret_enc) return;
      if (!(await check(user, code))) throw wrongCode();
      await db.transaction().execute(async (trx) => {
        await users.updateUser(trx, userId, { totp_secret_enc: null });
        await users.replaceRecoveryCodes(trx, userId, []);
      });
    },

    /** New recovery codes (the old ones stop working), after the app's current code. */
    async renewRecoveryCodes(userId: number, code: unknown): Promise<string[]> {
      const user = await users.findUser(userId);
      if (!user?.totp_secret_enc)
        throw IysRequestError.of('H940', { location: ['code'], vars: { field: 'code' } });
      if (!totpMatches(code, cipher.decrypt(user.totp_secret_enc, totpAad(userId)))) throw wrongCode();
      return issueRecoveryCodes(db, userId);
    },

    recoveryCodesLeft: (userId: number) => users.countUnusedRecoveryCodes(userId),
  };
}

export type SecondFactor = ReturnType<typeof createSecondFactor>;
