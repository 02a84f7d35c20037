import { useState, type FormEvent } from 'react';
import { explain } from '../errors.js';
import { portalApi } from '../api.js';
import { asksForSecondFactor, SecondFactorField } from './portal/SecondFactorField.js';
import { useI18n } from '../i18n.js';
import { navigate } from '../router.js';

/**
 * Sets the password from a one-time link e-mailed as an invitation or for a forgotten password (the token is
 * in the URL fragment, which browsers never send). With two-step verification on, the server asks (H951)
 * for the app's code or a recovery code too.
 */
export function PortalInvitation({
  onSignedIn,
  reset = false,
}: {
  onSignedIn: () => Promise<void>;
  reset?: boolean;
}) {
  const { t } = useI18n();
  const [error, setError] = useState<string | null>(null);
  const [needsCode, setNeedsCode] = useState(false);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    if (form.get('password') !== form.get('repeat')) return setError(t.passwordsDiffer);
    try {
      await portalApi('POST', '/api/portal/invitation', {
        token: window.location.hash.slice(1),
        password: form.get('password'),
        ...(needsCode ? { code: form.get('code') } : {}),
      });
      await onSignedIn();
      navigate('/firma');
    } catch (failure) {
      if (asksForSecondFactor(failure) && !needsCode) {
        setNeedsCode(true);
        return;
      }
      setError(explain(failure, t));
    }
  };

  return (
    <form className="card narrow" onSubmit={(e) => void submit(e)} aria-labelledby="invitation-title">
      <h1 id="invitation-title">{reset ? t.newPasswordTitle : t.invitationTitle}</h1>
      <label htmlFor="new-password">{t.newPassword}</label>
      <input
        id="new-password"
        name="password"
        type="password"
        autoComplete="new-password"
        minLength={12}
        required
      />
      <label htmlFor="repeat-password">{t.repeatPassword}</label>
      <input
        id="repeat-password"
        name="repeat"
        type="password"
        autoComplete="new-password"
        minLength={12}
        required
      />
      {needsCode && <SecondFactorField id="invitation-code" />}
      <button type="submit">{t.setPassword}</button>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
