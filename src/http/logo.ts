import type { FastifyInstance } from 'fastify';

/**
 * openiys's mark: an envelope with a tick, in the web app's navy and green. One small SVG, served by the
 * server itself (the API reference and the web app both use it, with or without a built web app), so no page
 * fetches an image from anywhere else.
 */
export const LOGO_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" role="img" aria-label="openiys">
<rect width="64" height="64" rx="14" fill="#0d2b52"/>
<path d="M12 20h40v26H12z" fill="#fff"/>
<path d="M12 20l20 15 20-15" fill="none" stroke="#0d2b52" stroke-width="3" stroke-linejoin="round"/>
<circle cx="46" cy="44" r="11" fill="#067647" stroke="#fff" stroke-width="3"/>
<path d="M41 44l3.5 3.5L51 41" fill="none" stroke="#fff" stroke-width="3" stroke-linecap="round" stroke-linejoin="round"/>
</svg>
`;

export function logoRoute(app: FastifyInstance): void {
  app.get('/logo.svg', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('image/svg+xml').header('cache-control', 'public, max-age=86400').send(LOGO_SVG),
  );
}
