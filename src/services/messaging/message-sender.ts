/** One SMS or e-mail on its way out, with the address already decrypted (it lives only in memory). */
export interface OutgoingMessage {
  channel: 'sms' | 'email';
  to: string;
  subject?: string;
  text: string;
}

/** A delivery adapter. Implementations throw on failure; the send job retries with backoff. */
export interface MessageSender {
  send(message: OutgoingMessage): Promise<void>;
}
