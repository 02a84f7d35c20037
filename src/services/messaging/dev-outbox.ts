import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { MessageSender, OutgoingMessage } from './message-sender.js';

export interface CaughtMessage {
  channel: 'sms' | 'email';
  from: string;
  to: string;
  subject: string | null;
  text: string;
  at: Date;
}

const KEEP = 500;

/**
 * The sandbox's catcher: a real SMTP server on a loopback port that e-mail is really sent to, and an SMS
 * sink behind the same adapter interface as the HTTP operator. What they catch is kept in memory only (it
 * holds plaintext addresses, so it never touches the database) and shown at /dev/outbox.
 */
export class DevOutbox {
  private readonly caught: CaughtMessage[] = [];
  private server: SMTPServer | undefined;
  private readonly waiters = new Set<() => void>();

  /** Newest first. */
  list(): CaughtMessage[] {
    return [...this.caught].reverse();
  }

  record(message: CaughtMessage): void {
    this.caught.push(message);
    if (this.caught.length > KEEP) this.caught.shift();
    for (const wake of this.waiters) wake();
  }

  /** Resolves when a message matching `predicate` has been caught (tests and the browser walk-through). */
  async waitFor(predicate: (message: CaughtMessage) => boolean, timeoutMs = 10_000): Promise<CaughtMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.list().find(predicate);
      if (found) return found;
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error('no matching message arrived in time');
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.waiters.delete(wake);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(wake, remaining);
        this.waiters.add(wake);
      });
    }
  }

  smsSink(from: string): MessageSender {
    return {
      send: async (message: OutgoingMessage) =>
        this.record({
          channel: 'sms',
          from,
          to: message.to,
          subject: null,
          text: message.text,
          at: new Date(),
        }),
    };
  }

  /** Starts the SMTP catcher on a free loopback port; returns the smtp:// URL to send to. */
  async startSmtp(): Promise<string> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData: (stream, session, callback) => {
        simpleParser(stream)
          .then((mail) => {
            this.record({
              channel: 'email',
              from: mail.from?.text ?? String(session.envelope.mailFrom && session.envelope.mailFrom.address),
              to: session.envelope.rcptTo.map((r) => r.address).join(', '),
              subject: mail.subject ?? null,
              text: (mail.text ?? '').trim(),
              at: new Date(),
            });
            callback();
          })
          .catch((error: Error) => callback(error));
      },
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = server.server.address();
    if (typeof address !== 'object' || !address) throw new Error('SMTP catcher has no address');
    return `smtp://127.0.0.1:${address.port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
