import type { Kysely } from 'kysely';
import type { Database } from '../db/types.js';
import type { OutboxRepository } from '../repositories/outbox.repository.js';
import type { PortalUserRepository } from '../repositories/portal-user.repository.js';
import type { MessageQueue, OutboxService } from './outbox.service.js';

/** Tells a company something the registry needs it to act on: an e-mail to each of its active portal admins. */
export type CompanyMail = (providerId: number, subject: string, text: string) => Promise<void>;

export function createCompanyMail(deps: {
  db: Kysely<Database>;
  users: PortalUserRepository;
  outbox: OutboxRepository;
  messages: OutboxService;
  queue: MessageQueue;
}): CompanyMail {
  const { db, users, outbox, messages, queue } = deps;
  return async (providerId, subject, text) => {
    const admins = (await users.listUsers(providerId)).filter((u) => u.role === 'admin' && !u.disabled_at);
    const drafts = admins.map((admin) =>
      messages.prepare({
        channel: 'email',
        recipientKey: admin.email_key,
        purpose: 'provider-notice',
        subject,
        text: `Sayın ${admin.name},\n\n${text}`,
      }),
    );
    if (drafts.length === 0) return;
    await outbox.insertMessages(db, drafts);
    await queue.sendSoon(drafts.map((d) => d.id));
  };
}
