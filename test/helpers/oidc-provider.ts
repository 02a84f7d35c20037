import { generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import type { OidcSettings } from '../../src/services/oidc-identity.service.js';

export interface TestIdentity {
  tckn: string;
  email?: string;
  email_verified?: boolean;
  phone_number?: string;
  phone_number_verified?: boolean;
  lines?: string[];
}

/**
 * A real OpenID Connect provider (`oidc-provider`) on a loopback port, standing in for e-Devlet. Its login
 * screen is replaced by `loginAs`: the next person to sign in is whoever the test says, and consents.
 */
export async function startOidcProvider(redirectUri: string) {
  const people = new Map<string, TestIdentity>();
  let next: string | undefined;
  // The server's address makes the issuer, so the provider is made after the server starts listening.
  const made: { provider?: Provider } = {};

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      if (req.url?.startsWith('/interaction/')) {
        const details = await made.provider!.interactionDetails(req, res);
        const accountId = next ?? 'nobody';
        const grant = new made.provider!.Grant({ accountId, clientId: String(details.params.client_id) });
        grant.addOIDCScope(String(details.params.scope));
        const grantId = await grant.save();
        await made.provider!.interactionFinished(req, res, { login: { accountId }, consent: { grantId } });
        return;
      }
      made.provider!.callback()(req, res);
    })().catch((error: unknown) => {
      res.statusCode = 500;
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  made.provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'openiys',
        client_secret: 'openiys-test-secret',
        redirect_uris: [redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    pkce: { methods: ['S256'], required: () => true },
    scopes: ['openid', 'email', 'phone', 'national'],
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      phone: ['phone_number', 'phone_number_verified'],
      national: ['tckn', 'lines'],
    },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    cookies: { keys: ['openiys-test-cookie-key'] },
    // Its own signing key, as a real provider has (not the library's development key).
    jwks: {
      keys: [
        {
          ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }),
          use: 'sig',
        },
      ],
    },
    findAccount: (_ctx, id) => {
      const person = people.get(id);
      return person ? { accountId: id, claims: () => ({ sub: id, ...person }) } : undefined;
    },
  });

  return {
    issuer,
    /** The person the provider knows by `accountId`. */
    register(accountId: string, identity: TestIdentity) {
      people.set(accountId, identity);
    },
    loginAs(accountId: string) {
      next = accountId;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * A browser's walk through the provider: follows redirects on the provider's origin, keeping its cookies,
 * until it is sent back to `redirectUri`; returns the query it comes back with.
 */
export async function walkProvider(authorizeUrl: string, redirectUri: string): Promise<string> {
  const jar = new Map<string, string>();
  let url = authorizeUrl;
  for (let hops = 0; hops < 10; hops++) {
    if (url.startsWith(redirectUri)) return url.slice(url.indexOf('?') + 1);
    const response = await fetch(url, {
      redirect: 'manual',
      headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const eq = pair!.indexOf('=');
      jar.set(pair!.slice(0, eq), pair!.slice(eq + 1));
    }
    const location = response.headers.get('location');
    if (!location) throw new Error(`the provider stopped at ${response.status}: ${await response.text()}`);
    url = new URL(location, url).href;
  }
  throw new Error('too many redirects at the provider');
}

/** How openiys is configured for the test provider: its client, the national id and lines claims. */
export function testOidcSettings(issuer: string): OidcSettings {
  return {
    issuer,
    clientId: 'openiys',
    clientSecret: 'openiys-test-secret',
    name: 'e-Devlet',
    idClaim: 'tckn',
    linesClaim: 'lines',
    scopes: 'openid email phone national',
    allowHttp: true,
  };
}
