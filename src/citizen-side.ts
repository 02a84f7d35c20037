import type { Kysely } from 'kysely';
import type { FieldCipher } from './crypto/field-cipher.js';
import type { TokenSigner } from './crypto/signed-token.js';
import type { Database } from './db/types.js';
import type { WorkingCalendar } from './domain/business-days.js';
import type { CitizenRepository } from './repositories/citizen.repository.js';
import type { ComplaintRepository } from './repositories/complaint.repository.js';
import type { ConsentRepository } from './repositories/consent.repository.js';
import type { OutboxRepository } from './repositories/outbox.repository.js';
import type { ProviderRepository } from './repositories/provider.repository.js';
import type { ShortLinkRepository } from './repositories/short-link.repository.js';
import type { AbuseGuard } from './services/abuse-guard.service.js';
import { createCitizenReceiptsService } from './services/citizen-receipts.service.js';
import { createCitizenService } from './services/citizen.service.js';
import type { CompanyMail } from './services/company-mail.js';
import { createComplaintService } from './services/complaint.service.js';
import type { WriterDeps } from './services/consent-writer.js';
import { createOtpIdentityProvider } from './services/identity.service.js';
import { createInboundSmsService } from './services/inbound-sms.service.js';
import { createOidcIdentity, type OidcSettings } from './services/oidc-identity.service.js';
import type { MessageQueue, OutboxService } from './services/outbox.service.js';
import { createShortLinkService } from './services/short-link.service.js';
import type { TransparencyLogService } from './services/transparency-log.service.js';

/**
 * The citizen side's part of the composition root (see system.ts): sign-in by one-time code or identity
 * provider, the consent desk, receipts, short links, SMS keywords and complaints, wired by hand.
 */
export function composeCitizenSide(deps: {
  db: Kysely<Database>;
  clock: () => Date;
  cipher: FieldCipher;
  signer: TokenSigner;
  signingKey: Buffer;
  calendar: WorkingCalendar;
  guard: AbuseGuard;
  publicUrl: string;
  citizens: CitizenRepository;
  consents: ConsentRepository;
  complaints: ComplaintRepository;
  providers: ProviderRepository;
  shortLinks: ShortLinkRepository;
  outbox: OutboxRepository;
  messages: OutboxService;
  sendQueue: MessageQueue;
  writer: WriterDeps;
  transparencyLog: TransparencyLogService;
  companyMail: CompanyMail;
  complaintAnswerDays?: number;
  oidc?: OidcSettings;
}) {
  const { db, clock, cipher, signer, calendar, publicUrl, consents, providers, outbox, messages } = deps;
  const identity = createOtpIdentityProvider({
    db,
    citizens: deps.citizens,
    consents,
    outbox,
    messages,
    queue: deps.sendQueue,
    cipher,
    signingKey: deps.signingKey,
    clock,
  });
  const citizens = createCitizenService({
    db,
    citizens: deps.citizens,
    consents,
    writer: deps.writer,
    identity,
    guard: deps.guard,
    cipher,
    clock,
  });
  const citizenReceipts = createCitizenReceiptsService({
    transparencyLog: deps.transparencyLog,
    consents,
    providers,
    cipher,
    citizens,
    signer,
    publicUrl,
    clock,
  });
  return {
    citizens,
    citizenReceipts,
    oidc:
      deps.oidc &&
      createOidcIdentity(deps.oidc, {
        cipher,
        signer,
        redirectUri: `${publicUrl}/api/citizen/oidc/callback`,
        clock,
      }),
    complaints: createComplaintService({
      complaints: deps.complaints,
      citizens: deps.citizens,
      consents,
      providers,
      cipher,
      calendar,
      answerBusinessDays: deps.complaintAnswerDays,
      notifyCompany: deps.companyMail,
      publicUrl,
      clock,
    }),
    shortLinks: createShortLinkService({
      signer,
      consents,
      providers,
      cipher,
      citizens,
      shortLinks: deps.shortLinks,
      clock,
    }),
    inboundSms: createInboundSmsService({
      db,
      consents,
      providers,
      outbox,
      messages,
      queue: deps.sendQueue,
      cipher,
      citizens,
      receiptLink: citizenReceipts.linkFor,
    }),
  };
}
