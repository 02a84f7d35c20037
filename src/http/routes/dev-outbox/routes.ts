import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { formatWireDate } from '../../../domain/wire-date.js';
import type { DevOutbox } from '../../../services/messaging/dev-outbox.js';

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
const linkify = (html: string) => html.replace(/(https?:\/\/[^\s<]+)/g, '<a href="$1">$1</a>');

/** The sandbox outbox: every SMS and e-mail the catcher took, newest first. Only mounted in sandbox mode. */
export function devOutboxRoutes(outbox: DevOutbox): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/dev/outbox.json', { schema: { hide: true } }, async () =>
      outbox.list().map((m) => ({ ...m, at: formatWireDate(m.at) })),
    );

    app.get('/dev/outbox', { schema: { hide: true } }, async (_request, reply) => {
      const rows = outbox
        .list()
        .map(
          (m) => `<tr><td>${formatWireDate(m.at)}</td><td>${m.channel === 'sms' ? 'SMS' : 'E-posta'}</td>
<td>${escapeHtml(m.from)}</td><td>${escapeHtml(m.to)}</td>
<td>${m.subject ? `<strong>${escapeHtml(m.subject)}</strong><br>` : ''}${linkify(escapeHtml(m.text))}</td></tr>`,
        )
        .join('\n');
      return reply.type('text/html; charset=utf-8').send(`<!doctype html>
<html lang="tr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="5"><title>Geliştirici giden kutusu · openiys</title>
<style>body{font:15px/1.5 system-ui,sans-serif;margin:2rem;color:#1b1f24}table{border-collapse:collapse;width:100%}
td,th{border-bottom:1px solid #d0d7de;padding:.5rem;text-align:left;vertical-align:top}th{background:#f6f8fa}</style></head>
<body><h1>Giden kutusu (sandbox)</h1>
<p>Sandbox modunda gönderilen her SMS ve e-posta burada görünür; gerçek bir alıcıya gitmez. Sayfa 5 saniyede bir yenilenir.</p>
<table><thead><tr><th>Zaman</th><th>Kanal</th><th>Gönderen</th><th>Alıcı</th><th>İleti</th></tr></thead>
<tbody>${rows || '<tr><td colspan="5">Henüz ileti yok.</td></tr>'}</tbody></table></body></html>`);
    });
  };
}
