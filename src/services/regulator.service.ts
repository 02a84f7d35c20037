import { randomBytes } from 'node:crypto';
import type { CompanyMail } from './company-mail.js';
import { complaintAad } from './complaint.service.js';
import type { Kysely } from 'kysely';
import type { FieldCipher } from '../crypto/field-cipher.js';
import { hashSecret as hashKey } from '../crypto/secret-hash.js';
import type { Database } from '../db/types.js';
import { IysRequestError, iysError } from '../domain/iys-errors.js';
import type { AuditQuery, AuditRepository } from '../repositories/audit.repository.js';
import type { ComplaintRepository } from '../repositories/complaint.repository.js';
import type { ConsentRepository } from '../repositories/consent.repository.js';
import type { OutboxRepository } from '../repositories/outbox.repository.js';
import type { ProviderRepository } from '../repositories/provider.repository.js';
import type { StaffSessionRepository } from '../repositories/staff-session.repository.js';
import type { MessageQueue, OutboxService } from './outbox.service.js';
import { codeOf } from '../domain/scalars.js';

export type StaffRole = 'admin' | 'regulator';
export interface Staff {
  name: string;
  role: StaffRole;
  /** Where the request came from, for the audit log ('cli' for the command line). */
  clientAddress?: string;
}

/** Who a staff member is in the audit log: the actor and the address the request came from. */
export const staffActor = (staff: Staff) => ({
  actor: `${staff.role}:${staff.name}`,
  clientAddress: staff.clientAddress,
});

export interface StaffSession extends Staff {
  csrfToken: string;
}

export const STAFF_SESSION_TTL_MS = 8 * 3600_000;

export const DECISIONS = ['upheld', 'rejected', 'needs_information'] as const;
export type Decision = (typeof DECISIONS)[number];
const DECISION_TEXT: Record<Decision, string> = {
  upheld: 'haklı bulundu',
  rejected: 'reddedildi',
  needs_information: 'için ek bilgi gerekiyor',
};
/** The same decision as the company reads it. */
const COMPANY_DECISION_TEXT: Record<Decision, string> = {
  upheld: 'Kurul şikayeti haklı buldu',
  rejected: 'Kurul şikayeti reddetti',
  needs_information: 'Kurul şikayetçiden ek bilgi istedi',
};
const MAX_NOTE_CHARS = 2000;

/**
 * Registry staff: regulators read complaints and decide them, admins also suspend and reactivate providers.
 * Every action lands in the append-only audit log; the citizen is told of a decision by SMS or e-mail.
 */
export function createRegulatorService(deps: {
  db: Kysely<Database>;
  complaints: ComplaintRepository;
  providers: ProviderRepository;
  consents: ConsentRepository;
  audit: AuditRepository;
  sessions: StaffSessionRepository;
  outbox: OutboxRepository;
  messages: OutboxService;
  queue: MessageQueue;
  cipher: FieldCipher;
  /** Tells the company its complaint was decided (never fails the decision). */
  notifyCompany?: CompanyMail;
  clock?: () => Date;
}) {
  const {
    db,
    complaints,
    providers,
    consents,
    audit,
    sessions,
    outbox,
    messages,
    queue,
    cipher,
    clock = () => new Date(),
  } = deps;

  return {
    /** A staff API key, shown once and stored as a SHA-256 hash. */
    async addKey(name: string, role: StaffRole = 'regulator'): Promise<string> {
      const key = randomBytes(24).toString('base64url');
      await complaints.insertRegulatorKey(hashKey(key), name, role);
      return key;
    },

    async authenticate(key: string): Promise<Staff | undefined> {
      return complaints.findRegulatorKey(hashKey(key));
    },

    /**
     * Exchanges a staff key for a console session (an httpOnly cookie and its CSRF token), so that the key is
     * typed once and never kept by the browser. Audited with the client address.
     */
    async openSession(
      key: unknown,
      clientAddress: string,
    ): Promise<{ sessionToken: string; session: StaffSession }> {
      const staff =
        typeof key === 'string' && key.length <= 200
          ? await complaints.findRegulatorKey(hashKey(key))
          : undefined;
      if (!staff) throw IysRequestError.of('H351');
      const sessionToken = randomBytes(32).toString('base64url');
      const csrfToken = randomBytes(24).toString('base64url');
      await sessions.insert({
        tokenHash: hashKey(sessionToken),
        keyHash: hashKey(key as string),
        csrfToken,
        expiresAt: new Date(clock().getTime() + STAFF_SESSION_TTL_MS),
      });
      await audit.record({
        ...staffActor({ ...staff, clientAddress }),
        action: 'staff.sign-in',
        target: 'console',
      });
      return { sessionToken, session: { ...staff, csrfToken } };
    },

    async sessionOf(sessionToken: string): Promise<StaffSession | undefined> {
      const row = await sessions.find(hashKey(sessionToken), clock());
      return row && { name: row.name, role: row.role, csrfToken: row.csrf_token };
    },

    closeSession: (sessionToken: string) => sessions.delete(hashKey(sessionToken)),

    deleteExpiredSessions: () => sessions.deleteExpired(clock()),

    record: (staff: Staff, action: string, target: string, details?: Record<string, unknown>) =>
      audit.record({ ...staffActor(staff), action, target, details }),

    async decideComplaint(staff: Staff, id: string, body: unknown): Promise<Decision> {
      const { decision, note } = (body ?? {}) as { decision?: unknown; note?: unknown };
      const errors = [];
      if (typeof decision !== 'string' || !(DECISIONS as readonly string[]).includes(decision)) {
        errors.push(iysError('H923', { location: ['decision'], value: decision }));
      }
      if (note !== undefined && (typeof note !== 'string' || note.length > MAX_NOTE_CHARS)) {
        errors.push(iysError('H923', { location: ['note'] }));
      }
      if (errors.length > 0) throw new IysRequestError(errors);
      const complaint = /^[0-9a-f-]{36}$/i.test(id) ? await complaints.findById(id) : undefined;
      if (!complaint) throw IysRequestError.of('H933', { location: ['id'], value: id });

      const now = clock();
      const noteText = typeof note === 'string' && note.trim() !== '' ? note.trim() : null;
      await complaints.decide(id, {
        status: decision as Decision,
        decided_by: staff.name,
        decided_at: now,
        decision_note_enc: noteText ? cipher.encrypt(noteText, complaintAad(id, 'decision')) : null,
      });
      await audit.record({
        ...staffActor(staff),
        action: 'complaint.decide',
        target: `complaint:${id}`,
        details: { decision },
      });

      const kind = await consents.findRecipientKind(complaint.recipient_key);
      if (kind) {
        const message = messages.prepare({
          channel: kind === 'phone' ? 'sms' : 'email',
          recipientKey: complaint.recipient_key,
          purpose: 'complaint-update',
          subject: 'İYS: şikayetiniz değerlendirildi',
          text: `İYS: ${complaint.brand_name} hakkındaki şikayetiniz ${DECISION_TEXT[decision as Decision]}.${noteText ? ` Not: ${noteText}` : ''}`,
        });
        await outbox.insertMessages(db, [message]);
        await queue.sendSoon([message.id]);
      }
      const brand = await providers.findBrandById(complaint.brand_id);
      if (brand)
        await deps
          .notifyCompany?.(
            brand.provider_id,
            'İYS: markanız hakkındaki şikayet değerlendirildi',
            `${complaint.brand_name} (${complaint.brand_code}) markanız hakkındaki bir şikayette ` +
              `${COMPANY_DECISION_TEXT[decision as Decision]}. Ayrıntılar portalın Şikayetler sayfasındadır.\n`,
          )
          .catch(() => {});
      return decision as Decision;
    },

    /** Suspends or reactivates a provider; its tokens stop (or start) working at once. Admins only. */
    async setProviderStatus(staff: Staff, iysCode: string, status: 'active' | 'suspended'): Promise<void> {
      if (staff.role !== 'admin') throw IysRequestError.of('H353');
      const code = codeOf(iysCode);
      if (code === undefined || !(await providers.setProviderStatus(code, status))) {
        throw IysRequestError.of('H934', { location: ['iysCode'], value: iysCode });
      }
      await audit.record({
        ...staffActor(staff),
        action: `provider.${status === 'active' ? 'activate' : 'suspend'}`,
        target: `provider:${code}`,
      });
    },

    searchAudit: (query: AuditQuery) => audit.search(query),
  };
}

export type RegulatorService = ReturnType<typeof createRegulatorService>;
