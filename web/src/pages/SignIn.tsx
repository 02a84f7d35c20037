import { useEffect, useState, type FormEvent } from 'react';
import { explain } from '../errors.js';
import { api, setCsrfToken } from '../api.js';
import { useI18n } from '../i18n.js';
import { navigate } from '../router.js';

/**
 * Sign-in with a one-time code sent to the phone or e-mail address itself, or, when the registry has one,
 * with the national identity provider (the way back lands on `/?giris=…` when it did not work out).
 */
export function SignIn({ onSignedIn }: { onSignedIn: () => Promise<void> }) {
  const { t } = useI18n();
  const [address, setAddress] = useState('');
  const [challenge, setChallenge] = useState<string | null>(null);
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [identity, setIdentity] = useState<{ name: string; start: string } | null>(null);
  useEffect(() => {
    api<{ oidc: { name: string; start: string } | null }>('GET', '/api/citizen/identity-providers').then(
      (offered) => setIdentity(offered.oidc),
      () => setIdentity(null),
    );
  }, []);
  const returned = new URLSearchParams(window.location.search).get('giris');

  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (failure) {
      setError(explain(failure, t));
    } finally {
      setBusy(false);
    }
  };

  const sendCode = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      const started = await api<{ challengeId: string }>('POST', '/api/citizen/sign-in', {
        address: address.trim(),
      });
      setChallenge(started.challengeId);
    });
  };

  const verify = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      const session = await api<{ csrfToken: string }>('POST', '/api/citizen/sign-in/verify', {
        challengeId: challenge,
        code: code.trim(),
      });
      setCsrfToken(session.csrfToken);
      await onSignedIn();
      navigate('/izinlerim');
    });
  };

  return (
    <section className="card narrow" aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">{t.signIn}</h1>
      <p>{t.tagline}</p>
      {returned && (
        <p className="error" role="alert">
          {returned === 'iptal' ? t.identityCancelled : t.identityFailed}
        </p>
      )}
      {identity && challenge === null && (
        <>
          <a className="button" href={identity.start}>
            {t.signInWith(identity.name)}
          </a>
          <p className="muted">{t.signInWithHint}</p>
          <p>{t.orWithCode}</p>
        </>
      )}
      {challenge === null ? (
        <form onSubmit={sendCode}>
          <label htmlFor="address">{t.addressLabel}</label>
          <input
            id="address"
            name="address"
            autoComplete="username"
            required
            value={address}
            onChange={(e) => setAddress(e.target.value)}
            aria-describedby="address-hint"
          />
          <small id="address-hint">{t.addressHint}</small>
          <button type="submit" disabled={busy}>
            {t.sendCode}
          </button>
        </form>
      ) : (
        <form onSubmit={verify}>
          <p role="status">{t.codeSentTo(address)}</p>
          <label htmlFor="code">{t.codeLabel}</label>
          <input
            id="code"
            name="code"
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="\d{6}"
            maxLength={6}
            required
            value={code}
            onChange={(e) => setCode(e.target.value)}
          />
          <div className="row">
            <button type="submit" disabled={busy}>
              {t.verify}
            </button>
            <button type="button" className="secondary" onClick={() => (setChallenge(null), setCode(''))}>
              {t.back}
            </button>
          </div>
        </form>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
