import { randomBytes } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { FieldCipher } from '../crypto/field-cipher.js';
import { hashSecret as hashToken } from '../crypto/secret-hash.js';
import type { Database, PortalRole } from '../db/types.js';
import { IysRequestError } from '../domain/iys-errors.js';
import { parseRecipient } from '../domain/recipient.js';
import type { ConsentRepository } from '../repositories/consent.repository.js';
import type { OutboxRepository } from '../repositories/outbox.repository.js';
import type { PortalUserRepository, PortalUserRow } from '../repositories/portal-user.repository.js';
import { hashPassword, verifyPassword } from './auth.service.js';
import type { AbuseGuard } from './abuse-guard.service.js';
import type { MessageQueue, OutboxService } from './outbox.service.js';
import { isUniqueViolation } from '../db/errors.js';
import { createSecondFactor } from './portal-second-factor.js';

export const PORTAL_SESSION_TTL_MS = 8 * 3600_000;
export const INVITATION_TTL_MS = 72 * 3600_000;
/** A forgotten password's link is short-lived: it is a key to the account in someone's mailbox. */
export const PASSWORD_RESET_TTL_MS = 3600_000;
export const MIN_PASSWORD_CHARS = 12;
export const PORTAL_ROLES = ['admin', 'operator', 'readonly'] as const;

export interface PortalSession {
  userId: number;
  name: string;
  role: PortalRole;
  providerId: number;
  iysCode: number;
  providerTitle: string;
  csrfToken: string;
  totpEnabled: boolean;
  /** Set for a retailer's (bayi) user: they see only the consents of that retailer. */
  retailer: { id: number; code: number; brandId: number; title: string } | null;
  /** Where this request came from: for the audit log and the per-address limits. */
  clientAddress: string;
}

/**
 * Accounts of the provider portal: invitations by one-time link, argon2id passwords, an optional TOTP second
 * factor, a growing wait after repeated failures (abuse-guard.service.ts), and sessions bound to a CSRF token like the citizen side's.
 */
export function createPortalAccountService(deps: {
  db: Kysely<Database>;
  users: PortalUserRepository;
  consents: ConsentRepository;
  outbox: OutboxRepository;
  messages: OutboxService;
  queue: MessageQueue;
  cipher: FieldCipher;
  guard: AbuseGuard;
  publicUrl: string;
  clock?: () => Date;
}) {
  const { db, users, consents, outbox, messages, queue, cipher, guard, publicUrl } = deps;
  const clock = deps.clock ?? (() => new Date());
  const secondFactor = createSecondFactor({ db, users, cipher, clock });

  function requireEmail(value: unknown): string {
    const parsed = parseRecipient(value, ['email']);
    if (!parsed.ok || parsed.kind !== 'email')
      throw IysRequestError.of('H940', { location: ['email'], value, vars: { field: 'email' } });
    return parsed.address;
  }

  function requireStrongPassword(password: unknown): string {
    if (typeof password !== 'string' || [...password].length < MIN_PASSWORD_CHARS || password.length > 1024)
      throw IysRequestError.of('H953', { location: ['password'] });
    return password;
  }

  async function openSession(user: PortalUserRow): Promise<{ sessionToken: string }> {
    const sessionToken = randomBytes(32).toString('base64url');
    await users.insertSession({
      token_hash: hashToken(sessionToken),
      portal_user_id: user.id,
      csrf_token: randomBytes(24).toString('base64url'),
      expires_at: new Date(clock().getTime() + PORTAL_SESSION_TTL_MS),
    });
    return { sessionToken };
  }

  const service = {
    /**
     * Creates a portal user with a one-time link to set a password, e-mailed in the same transaction (the
     * outbox); returns the outbox message id to queue after commit.
     */
    async invite(
      trx: Transaction<Database>,
      invitation: {
        providerId: number;
        email: unknown;
        name: unknown;
        role: unknown;
        providerTitle: string;
        retailerId?: number;
      },
    ): Promise<{ userId: number; messageId: string }> {
      const email = requireEmail(invitation.email);
      const name = typeof invitation.name === 'string' ? invitation.name.trim() : '';
      if (name.length < 2 || name.length > 100)
        throw IysRequestError.of('H940', { location: ['name'], vars: { field: 'name' } });
      if (!(PORTAL_ROLES as readonly unknown[]).includes(invitation.role))
        throw IysRequestError.of('H940', {
          location: ['role'],
          value: invitation.role,
          vars: { field: 'role' },
        });
      const { recipientKey, addressEnc } = cipher.sealAddress(email);
      if (await users.findUserByEmailKey(recipientKey))
        throw IysRequestError.of('H956', { location: ['email'] });

      const user = await users
        .insertUser(trx, {
          provider_id: invitation.providerId,
          email_key: recipientKey,
          email_enc: addressEnc,
          name,
          role: invitation.role as PortalRole,
          retailer_id: invitation.retailerId ?? null,
        })
        .catch((error: unknown) => {
          // The same e-mail invited twice at the same moment: the unique index keeps one.
          if (isUniqueViolation(error)) throw IysRequestError.of('H956', { location: ['email'] });
          throw error;
        });
      const token = randomBytes(32).toString('base64url');
      await users.insertInvitation(trx, {
        token_hash: hashToken(token),
        portal_user_id: user.id,
        expires_at: new Date(clock().getTime() + INVITATION_TTL_MS),
      });
      // The token travels in the fragment: browsers never send it to a server or in a Referer header.
      const link = `${publicUrl}/firma/davet#${token}`;
      const message = messages.prepare({
        channel: 'email',
        recipientKey,
        purpose: 'portal-invitation',
        subject: 'İYS hizmet sağlayıcı portalına davet',
        text:
          `Sayın ${name},\n\n${invitation.providerTitle} adına İYS hizmet sağlayıcı portalına davet edildiniz. ` +
          `Parolanızı belirlemek için bu bağlantıyı 72 saat içinde açın (yalnızca bir kez kullanılabilir):\n\n${link}\n`,
      });
      await consents.insertRecipients(trx, [{ recipientKey, addressEnc, kind: 'email' }]);
      await outbox.insertMessages(trx, [message]);
      return { userId: user.id, messageId: message.id };
    },

    /**
     * Sets the password from a one-time link (an invitation, or a forgotten password's), spends the link,
     * ends the user's other sessions and signs them in. With two-step verification on, the link alone is not
     * enough: the app's code or a recovery code must come with it (H951 asks for it, the link stays unspent).
     */
    async acceptInvitation(
      token: unknown,
      password: unknown,
      code?: unknown,
    ): Promise<{ sessionToken: string }> {
      const chosen = requireStrongPassword(password);
      if (typeof token !== 'string' || token.length > 100) throw IysRequestError.of('H952');
      const passwordHash = await hashPassword(chosen);
      const user = await db.transaction().execute(async (trx) => {
        const userId = await users.consumeInvitation(trx, hashToken(token), clock());
        const found = userId === undefined ? undefined : await users.findUser(userId);
        if (!found || found.disabled_at) return undefined;
        const second = await secondFactor.verify(found, code);
        // Asked for: thrown inside the transaction, so the link waits for the code. A wrong code spends the
        // link (committed): a new one is a new e-mail, 3 an hour, so a link cannot be used to guess codes.
        if (second === 'required')
          throw IysRequestError.of('H951', { location: ['code'], value: 'required' });
        if (second === 'wrong') return 'wrong-code' as const;
        await users.updateUser(trx, found.id, { password_hash: passwordHash });
        await users.deleteSessionsOf(trx, found.id);
        return found;
      });
      if (user === 'wrong-code') throw IysRequestError.of('H951', { location: ['code'], value: 'invalid' });
      if (!user) throw IysRequestError.of('H952');
      return openSession(user);
    },

    /**
     * "Forgot password": e-mails a one-time link (1 hour) to set a new one, when the address belongs to a
     * portal user of an active company. The answer is the same whether or not it does, so nobody learns who
     * has an account; limited per client address like codes, and to 3 links an hour per account, so nobody
     * can flood a mailbox.
     */
    async requestPasswordReset(email: unknown, clientAddress: string): Promise<void> {
      await guard.codeForCitizen(clientAddress);
      const parsed = parseRecipient(email, ['email']);
      if (!parsed.ok || parsed.kind !== 'email') return;
      const emailKey = cipher.blindIndex(parsed.address);
      const user = await users.findUserByEmailKey(emailKey);
      if (!user || user.disabled_at || user.provider_status !== 'active') return;
      if (!(await guard.passwordResetAllowed(emailKey.toString('hex')))) return;
      const token = randomBytes(32).toString('base64url');
      const message = messages.prepare({
        channel: 'email',
        recipientKey: emailKey,
        purpose: 'portal-password-reset',
        subject: 'İYS hizmet sağlayıcı portalı: parola sıfırlama',
        text:
          `Sayın ${user.name},\n\nİYS hizmet sağlayıcı portalında parolanızı yenilemek için bu bağlantıyı 1 saat ` +
          `içinde açın (yalnızca bir kez kullanılabilir):\n\n${publicUrl}/firma/parola#${token}\n\n` +
          `Bu isteği siz yapmadıysanız bu e-postayı dikkate almayın; parolanız değişmez.\n`,
      });
      await db.transaction().execute(async (trx) => {
        await users.insertInvitation(trx, {
          token_hash: hashToken(token),
          portal_user_id: user.id,
          expires_at: new Date(clock().getTime() + PASSWORD_RESET_TTL_MS),
        });
        await outbox.insertMessages(trx, [message]);
      });
      await queue.sendSoon([message.id]);
    },

    async signIn(request: {
      email: unknown;
      password: unknown;
      code?: unknown;
      clientAddress: string;
    }): Promise<{ sessionToken: string }> {
      const parsed = parseRecipient(request.email, ['email']);
      const emailKey = parsed.ok ? cipher.blindIndex(parsed.address) : undefined;
      // Counted before anything is checked, keyed by the e-mail as typed (known or not): a burst of guesses
      // is counted one by one, and the answer never tells whether the account exists.
      const attempt = await guard.beginSignIn(emailKey?.toString('hex') ?? 'invalid', request.clientAddress);
      const user = emailKey ? await users.findUserByEmailKey(emailKey) : undefined;
      const passwordOk = await verifyPassword(user?.password_hash, String(request.password ?? ''));
      if (!user || !user.password_hash || user.disabled_at || !passwordOk) throw IysRequestError.of('H950');
      // The right password of a suspended company's user: said plainly, and no session is opened that
      // would come alive again at the reactivation.
      if (user.provider_status !== 'active') throw IysRequestError.of('H971');
      const second = await secondFactor.verify(user, request.code);
      if (second !== 'ok') {
        // Asking for the code is not a failure; a wrong code is.
        if (second === 'required') await attempt.notAFailure();
        throw IysRequestError.of('H951', {
          location: ['code'],
          value: second === 'required' ? 'required' : 'invalid',
        });
      }
      await attempt.succeeded();
      return openSession(user);
    },

    async authenticate(sessionToken: string, clientAddress: string): Promise<PortalSession | undefined> {
      const row = await users.findSession(hashToken(sessionToken), clock());
      if (!row) return undefined;
      return {
        userId: row.user_id,
        name: row.name,
        role: row.role,
        providerId: row.provider_id,
        iysCode: row.iys_code,
        providerTitle: row.title,
        csrfToken: row.csrf_token,
        totpEnabled: row.totp_secret_enc !== null,
        clientAddress,
        retailer:
          row.retailer_id === null
            ? null
            : {
                id: row.retailer_id,
                code: row.retailer_code!,
                brandId: row.retailer_brand_id!,
                title: row.retailer_title!,
              },
      };
    },

    signOut: (sessionToken: string) => users.deleteSession(hashToken(sessionToken)),

    /** A fresh TOTP secret, its otpauth:// URI and a QR code of it to scan; nothing is stored yet. */
    proposeTotp: (session: PortalSession) => secondFactor.propose(`${session.iysCode}:${session.name}`),
    /** Turns the second factor on with a code from the app; returns the recovery codes, shown once. */
    enableTotp: (session: PortalSession, secret: unknown, code: unknown) =>
      secondFactor.enable(session.userId, secret, code),
    /** Turns it off with the app's code or a recovery code. */
    disableTotp: (session: PortalSession, code: unknown) => secondFactor.disable(session.userId, code),
    renewRecoveryCodes: (session: PortalSession, code: unknown) =>
      secondFactor.renewRecoveryCodes(session.userId, code),
    recoveryCodesLeft: (session: PortalSession) => secondFactor.recoveryCodesLeft(session.userId),

    /**
     * Invites a colleague (portal admins only), or a retailer's user, who can only read that retailer's
     * consents; the e-mail leaves after commit.
     */
    async inviteColleague(
      session: PortalSession,
      body: { email?: unknown; name?: unknown; role?: unknown },
      retailerId?: number,
    ) {
      // An invitation is a message the registry sends to an address someone typed: limited like codes.
      await guard.codeForCitizen(session.clientAddress);
      const invited = await db.transaction().execute((trx) =>
        service.invite(trx, {
          providerId: session.providerId,
          providerTitle: session.providerTitle,
          email: body.email,
          name: body.name,
          role: retailerId === undefined ? body.role : 'readonly',
          retailerId,
        }),
      );
      await queue.sendSoon([invited.messageId]);
      return invited.userId;
    },

    async listColleagues(session: PortalSession) {
      const rows = await users.listUsers(session.providerId);
      return rows.map((row) => ({
        id: row.id,
        name: row.name,
        email: cipher.openAddress(row.email_key, row.email_enc),
        role: row.role,
        active: row.password_hash !== null && row.disabled_at === null,
        invited: row.password_hash === null,
        totpEnabled: row.totp_secret_enc !== null,
      }));
    },

    /** Disables a colleague and ends their sessions; nobody can disable themselves. */
    async disableColleague(session: PortalSession, userId: number): Promise<void> {
      const user = await users.findUser(userId);
      if (!user || user.provider_id !== session.providerId || user.id === session.userId)
        throw IysRequestError.of('H904', { location: ['id'], value: userId });
      await db.transaction().execute(async (trx) => {
        await users.updateUser(trx, userId, { disabled_at: clock() });
        await users.deleteSessionsOf(trx, userId);
      });
    },
  };
  return service;
}

export type PortalAccountService = ReturnType<typeof createPortalAccountService>;
