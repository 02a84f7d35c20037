/**
 * Sign-in with the national identity provider from the citizen page (issue 14): a real OpenID Connect
 * provider on a loopback port stands in for e-Devlet; the browser goes there and back.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startOidcProvider, testOidcSettings } from '../helpers/oidc-provider.js';
import { assertAccessible, SCREENSHOTS, startBrowserTestbed, type BrowserTestbed } from './browser.js';

let bed: BrowserTestbed;
let idp: Awaited<ReturnType<typeof startOidcProvider>>;

before(async () => {
  bed = await startBrowserTestbed({
    oidc: async (url) => {
      idp = await startOidcProvider(`${url}/api/citizen/oidc/callback`);
      return testOidcSettings(idp.issuer);
    },
  });
});
after(async () => {
  await bed.close();
  await idp.close();
});

test('a person signs in with e-Devlet and sees every line registered to their identity', async () => {
  idp.register('zeynep', {
    tckn: '10000000146',
    phone_number: '+905329990001',
    phone_number_verified: true,
    lines: ['+905329990002'],
  });
  idp.loginAs('zeynep');
  const page = await bed.newPage();
  await page.goto(bed.url);
  await page.getByText('veya tek kullanımlık kodla').waitFor();
  await assertAccessible(page);
  await page.screenshot({ path: path.join(SCREENSHOTS, '26-sign-in-e-devlet.png') });
  await page.getByRole('link', { name: 'e-Devlet ile giriş yap' }).click();
  await page.getByRole('heading', { name: 'İzinlerim' }).waitFor();
  await page.getByRole('article', { name: '+90 532 999 00 01' }).waitFor();
  await page.getByRole('article', { name: '+90 532 999 00 02' }).waitFor();
  assert.equal(bed.system.devOutbox!.list().filter((m) => m.to.startsWith('+90532999')).length, 0, 'no code');

  // A way back that does not work out lands on the sign-in page with a plain explanation.
  const stranger = await bed.newPage();
  await stranger.goto(`${bed.url}/api/citizen/oidc/callback?code=x&state=y`);
  await stranger
    .getByRole('alert')
    .getByText(/Kimlik doğrulaması tamamlanamadı/)
    .waitFor();
});
