import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import { startTestSystem, type TestSystem } from '../../test/helpers/system.js';

let t: TestSystem;
before(async () => {
  t = await startTestSystem({ workers: false });
});
after(() => t.close());

const directives = (csp: string) =>
  new Map(
    csp
      .split(';')
      .map((part) => part.trim().split(/\s+/) as [string, ...string[]])
      .map(([k, ...v]) => [k, v]),
  );
const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

test('every answer carries the security headers, and the policy allows no other origin and no inline code', async () => {
  for (const url of ['/health', '/api/public/transparency', '/no-such-page', '/docs/']) {
    const response = await t.app.inject(url);
    assert.equal(response.headers['x-content-type-options'], 'nosniff', url);
    assert.equal(response.headers['x-frame-options'], 'DENY', url);
    assert.equal(response.headers['referrer-policy'], 'no-referrer', url);
    const csp = directives(String(response.headers['content-security-policy']));
    assert.deepEqual(csp.get('frame-ancestors'), ["'none'"], url);
    assert.deepEqual(csp.get('default-src'), ["'self'"], url);
    assert.deepEqual(csp.get('font-src'), ["'self'"], url);
    assert.deepEqual(csp.get('connect-src'), ["'self'"], url);
    assert.ok(!csp.get('script-src')!.includes("'unsafe-inline'"), url);
    for (const sources of csp.values()) assert.ok(!sources.some((s) => /^https?:/.test(s)), url);
  }
});

test('a page with inline code gets exactly its pieces pinned by hash; the API reference loads no outside font', async () => {
  const docs = await t.app.inject('/docs/');
  const inline = /<script type="text\/javascript">([\s\S]*?)<\/script>/.exec(docs.body)![1]!;
  const csp = directives(String(docs.headers['content-security-policy']));
  assert.deepEqual(csp.get('script-src'), ["'self'", sha256(inline)]);
  assert.match(docs.body, /"withDefaultFonts": false/);
  // openiys's reference, not a vendor's: no hosted AI chat, no developer toolbar, our name.
  assert.match(docs.body, /"agent": \{\s*"disabled": true\s*\}/);
  assert.match(docs.body, /"showDeveloperTools": "never"/);
  assert.match(docs.body, /"title": "openiys · İYS API"/);
  assert.match(docs.body, /"favicon": "\/logo\.svg"/);
  const logo = await t.app.inject('/logo.svg');
  assert.equal(logo.headers['content-type'], 'image/svg+xml');
  assert.match(logo.body, /^<svg [^>]*aria-label="openiys"/);
  const spec = (await t.app.inject('/openapi.json')).json();
  assert.match(spec.info.description, /!\[openiys\]\(\/logo\.svg\)/);

  const outbox = await t.app.inject('/dev/outbox');
  const style = /<style>([\s\S]*?)<\/style>/.exec(outbox.body)![1]!;
  const outboxCsp = directives(String(outbox.headers['content-security-policy']));
  assert.deepEqual(outboxCsp.get('style-src'), ["'self'", sha256(style)]);
  assert.deepEqual(outboxCsp.get('script-src'), ["'self'"]);
});
