import { useState, type FormEvent } from 'react';
import { portalApi } from '../api.js';
import { asksForSecondFactor, SecondFactorField } from './portal/SecondFactorField.js';
import { explain } from '../errors.js';
import { useI18n } from '../i18n.js';
import { navigate } from '../router.js';

/** Portal sign-in: e-mail and password, then the authenticator code when two-step verification is on. */
export function PortalSignIn({ onSignedIn }: { onSignedIn: () => Promise<void> }) {
  const { t } = useI18n();
  const [needsCode, setNeedsCode] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setError(null);
    try {
      await portalApi('POST', '/api/portal/sign-in', {
        email: form.get('email'),
        password: form.get('password'),
        ...(needsCode ? { code: form.get('code') } : {}),
      });
      await onSignedIn();
    } catch (failure) {
      if (asksForSecondFactor(failure) && !needsCode) {
        setNeedsCode(true);
        return;
      }
      setError(explain(failure, t));
    }
  };

  return (
    <form className="card narrow" onSubmit={(e) => void submit(e)} aria-labelledby="portal-sign-in">
      <h1 id="portal-sign-in">{t.portalSignInTitle}</h1>
      <label htmlFor="portal-email">{t.emailLabel}</label>
      <input id="portal-email" name="email" type="email" autoComplete="username" required />
      <label htmlFor="portal-password">{t.passwordLabel}</label>
      <input id="portal-password" name="password" type="password" autoComplete="current-password" required />
      {needsCode && <SecondFactorField id="portal-code" />}
      <button type="submit">{t.signIn}</button>
      <p className="row">
        <a href="/firma/parola" onClick={(e) => (e.preventDefault(), navigate('/firma/parola'))}>
          {t.forgotPassword}
        </a>
        <a href="/basvuru" onClick={(e) => (e.preventDefault(), navigate('/basvuru'))}>
          {t.applyNav}
        </a>
      </p>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
