import { DevOutbox } from './services/messaging/dev-outbox.js';
import { createHttpSmsSender } from './services/messaging/http-sms-sender.js';
import type { MessageSender } from './services/messaging/message-sender.js';
import { createSmtpSender } from './services/messaging/smtp-sender.js';

export interface MessagingOptions {
  /** Only the sandbox may catch messages instead of sending them (shown at /dev/outbox). */
  sandbox: boolean;
  publicUrl: string;
  /** Unset → e-mail goes to the built-in SMTP catcher (sandbox only). */
  smtpUrl?: string;
  mailFrom: string;
  /** Unset → SMS go to the built-in sink (sandbox only). */
  smsHttpUrl?: string;
  smsHttpAuthorization?: string;
  smsHttpBodyTemplate: string;
  smsSender: string;
  inboundSmsSecret?: string;
}

export const SANDBOX_MESSAGING: MessagingOptions = {
  sandbox: true,
  publicUrl: 'http://127.0.0.1:3000',
  mailFrom: 'İYS <bildirim@openiys.local>',
  smsHttpBodyTemplate: '{"from":"{{from}}","to":"{{to}}","text":"{{text}}"}',
  smsSender: 'IYS',
  inboundSmsSecret: 'sandbox-inbound-sms-secret',
};

/**
 * Delivery adapters: real SMTP / HTTP when configured, the in-memory catcher otherwise, in the sandbox only
 * (it shows sign-in codes to whoever opens /dev/outbox).
 */
export async function createDeliveryAdapters(messaging: MessagingOptions): Promise<{
  emailSender: MessageSender & { close?: () => void };
  smsSender: MessageSender;
  devOutbox: DevOutbox | undefined;
}> {
  let devOutbox: DevOutbox | undefined;
  const sandboxOutbox = () => {
    if (!messaging.sandbox) throw new Error('SMTP_URL and SMS_HTTP_URL are required outside the sandbox');
    return (devOutbox ??= new DevOutbox());
  };
  const emailSender = createSmtpSender(
    messaging.smtpUrl ?? (await sandboxOutbox().startSmtp()),
    messaging.mailFrom,
  );
  const smsSender: MessageSender = messaging.smsHttpUrl
    ? createHttpSmsSender({
        url: messaging.smsHttpUrl,
        authorization: messaging.smsHttpAuthorization,
        bodyTemplate: messaging.smsHttpBodyTemplate,
        from: messaging.smsSender,
      })
    : sandboxOutbox().smsSink(messaging.smsSender);
  return { emailSender, smsSender, devOutbox };
}
