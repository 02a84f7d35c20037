import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { FieldCipher } from '../crypto/field-cipher.js';
import { hashSecret } from '../crypto/secret-hash.js';
import type { ApplicationStatus, Database } from '../db/types.js';
import { IysRequestError } from '../domain/iys-errors.js';
import {
  isPdf,
  MAX_AGREEMENT_BYTES,
  parseProviderApplication,
  type ProviderApplicationInput,
} from '../domain/provider-application.js';
import type { ApplicationRepository, ApplicationSummaryRow } from '../repositories/application.repository.js';
import type { AuditRepository } from '../repositories/audit.repository.js';
import type { ConsentRepository } from '../repositories/consent.repository.js';
import type { OutboxRepository } from '../repositories/outbox.repository.js';
import type { ProviderRepository } from '../repositories/provider.repository.js';
import type { AbuseGuard } from './abuse-guard.service.js';
import type { MessageQueue, OutboxService } from './outbox.service.js';
import type { PortalAccountService } from './portal-account.service.js';
import { staffActor, type Staff } from './regulator.service.js';
import { isUuid } from '../domain/uuid.js';
import { isUniqueViolation } from '../db/errors.js';

const MAX_REASON_CHARS = 2000;
/** How long the applicant has to confirm by the e-mailed link before the application is deleted. */
export const CONFIRM_TTL_MS = 24 * 3600_000;

/** An application as the registry staff review it: what was applied with, and what became of it. */
export interface ApplicationView extends ProviderApplicationInput {
  id: string;
  agreementBytes: number;
  agreementSha256: string;
  status: ApplicationStatus;
  submittedAt: Date;
  decidedAt: Date | null;
  decidedBy: string | null;
  rejectionReason: string | null;
  iysCode: number | null;
}

/**
 * Joining the registry: a company or sole trader applies with its identity numbers and the signed service
 * agreement; a registry admin approves (an iysCode, a master brand, an activation date, and an invitation to
 * the portal for the applicant) or rejects with a reason. Every decision is in the audit log.
 */
export function createOnboardingService(deps: {
  db: Kysely<Database>;
  applications: ApplicationRepository;
  providers: ProviderRepository;
  consents: ConsentRepository;
  portalAccounts: PortalAccountService;
  audit: AuditRepository;
  outbox: OutboxRepository;
  messages: OutboxService;
  queue: MessageQueue;
  cipher: FieldCipher;
  guard: AbuseGuard;
  publicUrl: string;
  clock?: () => Date;
}) {
  const { db, applications, providers, consents, portalAccounts, audit, outbox, messages, queue, cipher } =
    deps;
  const { guard, publicUrl } = deps;
  const clock = deps.clock ?? (() => new Date());

  /** Refuses a new agreement of `bytes` when undecided ones already fill the storage allowed them. */
  async function requireRoom(bytes: number): Promise<void> {
    if ((await applications.undecidedBytes()) + bytes > guard.applicationStorageBytes)
      throw IysRequestError.wait('H978', 3600);
  }
  const aad = (id: string, field: string) => Buffer.from(`application:${id}:${field}`);
  const taxIdKeyOf = (taxId: string) => cipher.blindIndex(`tax-id:${taxId}`);

  function present(row: ApplicationSummaryRow, iysCode: number | null): ApplicationView {
    const open = (field: string, sealed: Buffer) => cipher.decrypt(sealed, aad(row.id, field));
    return {
      id: row.id,
      kind: row.kind,
      title: row.title,
      taxId: open('tax-id', row.tax_id_enc),
      mersis: row.mersis_enc ? open('mersis', row.mersis_enc) : null,
      taxOffice: row.tax_office,
      invoiceAddress: open('invoice-address', row.invoice_address_enc),
      email: cipher.openAddress(row.email_key, row.email_enc),
      contactName: open('contact-name', row.contact_name_enc),
      contactTckn: open('contact-tckn', row.contact_tckn_enc),
      agreementBytes: row.agreement_bytes,
      agreementSha256: row.agreement_sha256.toString('hex'),
      status: row.status,
      submittedAt: row.submitted_at,
      decidedAt: row.decided_at,
      decidedBy: row.decided_by,
      rejectionReason: row.rejection_reason,
      iysCode,
    };
  }

  function requireAdmin(staff: Staff): void {
    if (staff.role !== 'admin') throw IysRequestError.of('H353');
  }

  function requireId(id: string): string {
    if (!isUuid(id)) throw IysRequestError.of('H945', { location: ['id'], value: id });
    return id;
  }

  const service = {
    /**
     * Before an anonymous application's body is even read: the client's daily allowance (H977) and the room
     * left for undecided applications (H978), so that nobody can fill the registry's disk with PDFs.
     */
    async admit(clientAddress: string): Promise<void> {
      await guard.application(clientAddress);
      await requireRoom(0);
    },

    /**
     * Stores an application with its agreement, unconfirmed, and e-mails the applicant a link to confirm it
     * within CONFIRM_TTL_MS; answers with its id for the applicant's reference.
     */
    async submit(fields: Record<string, unknown>, agreement: Buffer | undefined): Promise<{ id: string }> {
      const parsed = parseProviderApplication(fields);
      const agreementOk =
        agreement !== undefined && agreement.length <= MAX_AGREEMENT_BYTES && isPdf(agreement);
      if (!parsed.ok || !agreementOk) {
        const errors = parsed.ok ? [] : [...parsed.errors];
        if (!agreementOk) errors.push(IysRequestError.of('H944', { location: ['agreement'] }).errors[0]!);
        throw new IysRequestError(errors);
      }
      const input = parsed.value;
      const taxIdKey = taxIdKeyOf(input.taxId);
      if (await applications.isTaxIdTaken(taxIdKey))
        throw IysRequestError.of('H947', { location: ['taxId'] });

      await requireRoom(agreement!.length);

      const id = randomUUID();
      const email = cipher.sealAddress(input.email);
      const confirmToken = randomBytes(32).toString('base64url');
      const now = clock();
      const message = messages.prepare({
        channel: 'email',
        recipientKey: email.recipientKey,
        purpose: 'application-confirmation',
        subject: 'İYS başvurunuzu onaylayın',
        text:
          `${input.title} adına İYS hizmet sağlayıcı başvurusu yapıldı (başvuru no: ${id}).\n\n` +
          `Başvuruyu siz yaptıysanız 24 saat içinde bu bağlantıyı açarak onaylayın; onaylanmayan başvuru ` +
          `silinir:\n\n${publicUrl}/basvuru#onay=${confirmToken}\n`,
      });
      try {
        await db.transaction().execute(async (trx) => {
          await applications.insertApplication(trx, {
            id,
            kind: input.kind,
            title: input.title,
            tax_id_key: taxIdKey,
            tax_id_enc: cipher.encrypt(input.taxId, aad(id, 'tax-id')),
            mersis_enc: input.mersis ? cipher.encrypt(input.mersis, aad(id, 'mersis')) : null,
            tax_office: input.taxOffice,
            invoice_address_enc: cipher.encrypt(input.invoiceAddress, aad(id, 'invoice-address')),
            email_key: email.recipientKey,
            email_enc: email.addressEnc,
            contact_name_enc: cipher.encrypt(input.contactName, aad(id, 'contact-name')),
            contact_tckn_enc: cipher.encrypt(input.contactTckn, aad(id, 'contact-tckn')),
            agreement_enc: cipher.encrypt(agreement!, aad(id, 'agreement')),
            agreement_sha256: createHash('sha256').update(agreement!).digest(),
            agreement_bytes: agreement!.length,
            submitted_at: now,
            status: 'unconfirmed',
            confirm_token_hash: hashSecret(confirmToken),
            confirm_by: new Date(now.getTime() + CONFIRM_TTL_MS),
          });
          await consents.insertRecipients(trx, [
            { recipientKey: email.recipientKey, addressEnc: email.addressEnc, kind: 'email' },
          ]);
          await outbox.insertMessages(trx, [message]);
        });
      } catch (error) {
        // Two submissions racing past the check above: the partial unique index keeps only one.
        if (isUniqueViolation(error)) throw IysRequestError.of('H947', { location: ['taxId'] });
        throw error;
      }
      await queue.sendSoon([message.id]);
      return { id };
    },

    /** The applicant opened the link: the application goes to the registry staff (H979 if it expired). */
    async confirm(token: unknown): Promise<{ id: string }> {
      if (typeof token !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(token)) throw IysRequestError.of('H979');
      try {
        const id = await applications.confirm(hashSecret(token), clock());
        if (!id) throw IysRequestError.of('H979');
        return { id };
      } catch (error) {
        // Someone else's application for the same tax number was confirmed first.
        if (isUniqueViolation(error)) throw IysRequestError.of('H947', { location: ['taxId'] });
        throw error;
      }
    },

    /** Deletes applications never confirmed (run by the hourly maintenance job). */
    deleteExpiredUnconfirmed: () => applications.deleteExpiredUnconfirmed(clock()),

    async list(staff: Staff, status?: string): Promise<ApplicationView[]> {
      const filter = ['unconfirmed', 'pending', 'approved', 'rejected'].includes(status ?? '')
        ? (status as ApplicationStatus)
        : undefined;
      const rows = await applications.listApplications(filter);
      await audit.record({
        ...staffActor(staff),
        action: 'applications.list',
        target: 'applications',
        details: { status: filter ?? 'all' },
      });
      return rows.map((row) => present(row, row.iys_code));
    },

    /** The signed agreement, decrypted, for review; reading it is audited. */
    async agreement(staff: Staff, id: string): Promise<Buffer> {
      const row = await applications.findApplication(requireId(id));
      if (!row) throw IysRequestError.of('H945', { location: ['id'], value: id });
      await audit.record({
        ...staffActor(staff),
        action: 'application.read-agreement',
        target: `application:${id}`,
      });
      return cipher.decryptBytes(row.agreement_enc, aad(id, 'agreement'));
    },

    /**
     * Approves an application: the provider is created active from today with a fresh iysCode and its title
     * as master brand, and the applicant's e-mail gets an invitation to the portal as its first admin.
     */
    async approve(staff: Staff, id: string): Promise<{ iysCode: number; brandCode: number }> {
      requireAdmin(staff);
      requireId(id);
      const now = clock();
      const approved = await db.transaction().execute(async (trx) => {
        const row = await applications.lockApplication(trx, id);
        if (!row) throw IysRequestError.of('H945', { location: ['id'], value: id });
        if (row.status !== 'pending') throw IysRequestError.of('H946', { value: row.status });
        const view = present(row, null);
        const iysCode = await providers.nextRegistryCode(trx);
        const provider = await providers.insertProvider(
          {
            iys_code: iysCode,
            kind: row.kind,
            title: row.title,
            status: 'active',
            activated_at: now,
            tax_id_key: row.tax_id_key,
            tax_id_enc: cipher.encrypt(view.taxId, row.tax_id_key),
          },
          trx,
        );
        const brandCode = await providers.nextRegistryCode(trx);
        await providers.insertBrand(
          { brand_code: brandCode, provider_id: provider.id, name: row.title, master: true },
          trx,
        );
        const invited = await portalAccounts.invite(trx, {
          providerId: provider.id,
          providerTitle: row.title,
          email: view.email,
          name: view.contactName,
          role: 'admin',
        });
        await applications.decideApplication(trx, id, {
          status: 'approved',
          decided_at: now,
          decided_by: staff.name,
          rejection_reason: null,
          provider_id: provider.id,
        });
        return { iysCode, brandCode, messageId: invited.messageId };
      });
      await queue.sendSoon([approved.messageId]);
      await audit.record({
        ...staffActor(staff),
        action: 'application.approve',
        target: `application:${id}`,
        details: { iysCode: approved.iysCode, brandCode: approved.brandCode },
      });
      return { iysCode: approved.iysCode, brandCode: approved.brandCode };
    },

    /** Rejects an application with a reason the applicant reads in an e-mail. */
    async reject(staff: Staff, id: string, reason: unknown): Promise<void> {
      requireAdmin(staff);
      requireId(id);
      const text = typeof reason === 'string' ? reason.trim() : '';
      if (text.length < 3 || text.length > MAX_REASON_CHARS)
        throw IysRequestError.of('H940', { location: ['reason'], vars: { field: 'reason' } });
      const messageId = await db.transaction().execute(async (trx) => {
        const row = await applications.lockApplication(trx, id);
        if (!row) throw IysRequestError.of('H945', { location: ['id'], value: id });
        if (row.status !== 'pending') throw IysRequestError.of('H946', { value: row.status });
        await applications.decideApplication(trx, id, {
          status: 'rejected',
          decided_at: clock(),
          decided_by: staff.name,
          rejection_reason: text,
          provider_id: null,
        });
        const message = messages.prepare({
          channel: 'email',
          recipientKey: row.email_key,
          purpose: 'provider-notice',
          subject: 'İYS hizmet sağlayıcı başvurunuz',
          text: `${row.title} adına yaptığınız İYS başvurusu reddedildi.\n\nGerekçe: ${text}\n\nEksikleri giderip yeniden başvurabilirsiniz.`,
        });
        await consents.insertRecipients(trx, [
          { recipientKey: row.email_key, addressEnc: row.email_enc, kind: 'email' },
        ]);
        await outbox.insertMessages(trx, [message]);
        return message.id;
      });
      await queue.sendSoon([messageId]);
      await audit.record({
        ...staffActor(staff),
        action: 'application.reject',
        target: `application:${id}`,
      });
    },
  };
  return service;
}

export type OnboardingService = ReturnType<typeof createOnboardingService>;
