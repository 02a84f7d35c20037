import type { MessageSender, OutgoingMessage } from './message-sender.js';

const TIMEOUT_MS = 10_000;

/** Fills {{name}} placeholders with JSON-escaped values, so any text stays valid inside a JSON template. */
export function fillTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (whole, name: string) =>
    name in values ? JSON.stringify(values[name]).slice(1, -1) : whole,
  );
}

/** SMS through an operator's HTTP API: one POST per message, body from a configurable JSON template. */
export function createHttpSmsSender(options: {
  url: string;
  authorization?: string;
  bodyTemplate: string;
  from: string;
}): MessageSender {
  return {
    async send(message: OutgoingMessage) {
      const response = await fetch(options.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(options.authorization ? { authorization: options.authorization } : {}),
        },
        body: fillTemplate(options.bodyTemplate, { to: message.to, text: message.text, from: options.from }),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      if (!response.ok) throw new Error(`SMS operator answered ${response.status}`);
    },
  };
}
