import nodemailer from 'nodemailer';
import type { MessageSender, OutgoingMessage } from './message-sender.js';

/** E-mail over SMTP (any server nodemailer reaches, including the sandbox catcher). */
export function createSmtpSender(smtpUrl: string, from: string): MessageSender & { close(): void } {
  const transport = nodemailer.createTransport(smtpUrl);
  return {
    async send(message: OutgoingMessage) {
      await transport.sendMail({
        from,
        to: message.to,
        subject: message.subject ?? 'İYS',
        text: message.text,
      });
    },
    close: () => transport.close(),
  };
}
