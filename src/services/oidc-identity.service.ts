import * as oidc from 'openid-client';
import type { FieldCipher } from '../crypto/field-cipher.js';
import type { TokenSigner } from '../crypto/signed-token.js';
import type { RecipientKind } from '../domain/consent.js';
import { IysRequestError } from '../domain/iys-errors.js';
import { parseRecipient } from '../domain/recipient.js';

export interface OidcSettings {
  /** The identity provider's issuer URL (its discovery document is read from it). */
  issuer: string;
  clientId: string;
  /** A confidential client's secret; without it the client is public and PKCE alone protects the code. */
  clientSecret?: string;
  /** What the sign-in button says ("e-Devlet ile giriş"). */
  name: string;
  /** The claim that carries the national id (for e-Devlet, the T.C. kimlik no); default `sub`. */
  idClaim: string;
  /** A claim listing every phone line registered to the identity, if the provider gives one. */
  linesClaim?: string;
  scopes: string;
  /** Plain http to the provider: tests and a local sandbox only. */
  allowHttp?: boolean;
}

/** The browser has this long to come back from the identity provider. */
const SIGN_IN_TTL_MS = 10 * 60_000;
const PURPOSE = 'oidc-sign-in';

/**
 * Sign-in with a national identity provider by OpenID Connect (authorization code flow with PKCE, S256)
 * through `openid-client`. The provider proves who the person is and which addresses are theirs: its
 * verified e-mail and phone claims (and the lines claim, when configured) become verified addresses without
 * a code. The national id is kept only as a keyed hash (HMAC with the blind-index key, in its own domain).
 */
export function createOidcIdentity(
  settings: OidcSettings,
  deps: { cipher: FieldCipher; signer: TokenSigner; redirectUri: string; clock?: () => Date },
) {
  const { clock = () => new Date() } = deps;
  let configuration: Promise<oidc.Configuration> | undefined;
  const configure = () => {
    configuration ??= oidc
      .discovery(
        new URL(settings.issuer),
        settings.clientId,
        settings.clientSecret,
        settings.clientSecret ? oidc.ClientSecretPost(settings.clientSecret) : oidc.None(),
        settings.allowHttp ? { execute: [oidc.allowInsecureRequests] } : undefined,
      )
      // A provider that was away is asked again next time, not remembered as broken.
      .catch((error: unknown) => {
        configuration = undefined;
        throw error;
      });
    return configuration;
  };

  return {
    name: settings.name,

    /**
     * Where to send the browser, and what it keeps meanwhile: the state, nonce and PKCE verifier, signed,
     * for an httpOnly cookie (so a callback can only finish the sign-in its own browser started).
     */
    async start(): Promise<{ url: string; cookie: string }> {
      const config = await configure().catch(() => {
        throw IysRequestError.of('H972');
      });
      const pending = {
        state: oidc.randomState(),
        nonce: oidc.randomNonce(),
        verifier: oidc.randomPKCECodeVerifier(),
      };
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: deps.redirectUri,
        scope: settings.scopes,
        response_type: 'code',
        state: pending.state,
        nonce: pending.nonce,
        code_challenge: await oidc.calculatePKCECodeChallenge(pending.verifier),
        code_challenge_method: 'S256',
      });
      return {
        url: url.href,
        cookie: deps.signer.sign(PURPOSE, pending, new Date(clock().getTime() + SIGN_IN_TTL_MS)),
      };
    },

    /**
     * The way back: the code is exchanged (with the PKCE verifier), the ID token checked (issuer, audience,
     * nonce, signature), then the user info read. Returns the identity's keyed hash and its proven addresses.
     */
    async finish(query: string, cookie: string | undefined) {
      const pending = cookie ? deps.signer.verify(PURPOSE, cookie, clock()) : null;
      if (!pending) throw new Error('no sign-in of this browser is waiting');
      const config = await configure();
      // openid-client reads the parameters from the URL the browser came back to: the redirect URI itself.
      const callbackUrl = new URL(`${deps.redirectUri}?${query}`);
      const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: String(pending.verifier),
        expectedState: String(pending.state),
        expectedNonce: String(pending.nonce),
        idTokenExpected: true,
      });
      const idToken = tokens.claims()!;
      const info = await oidc.fetchUserInfo(config, tokens.access_token, idToken.sub);
      const claims: Record<string, unknown> = { ...info, ...idToken };
      const nationalId = claims[settings.idClaim];
      if (typeof nationalId !== 'string' || nationalId.length === 0)
        throw new Error('the identity has no id claim');

      const proven: Array<{ address: string; kind: RecipientKind }> = [];
      const prove = (value: unknown) => {
        const parsed = parseRecipient(value);
        if (parsed.ok && !proven.some((p) => p.address === parsed.address))
          proven.push({ address: parsed.address, kind: parsed.kind });
      };
      if (claims.email_verified === true) prove(claims.email);
      if (claims.phone_number_verified === true) prove(claims.phone_number);
      const lines = settings.linesClaim ? claims[settings.linesClaim] : undefined;
      if (Array.isArray(lines)) lines.slice(0, 50).forEach(prove);
      return { identityHash: deps.cipher.blindIndex(`national-id:${nationalId}`), proven };
    },
  };
}

export type OidcIdentity = ReturnType<typeof createOidcIdentity>;
