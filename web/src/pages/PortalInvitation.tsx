import { useState, type FormEvent } from 'react';
import { explain } from '../errors.js';
import { portalApi } from '../api.js';
import { useI18n } from '../i18n.js';
import { navigate } from '../router.js';

/** Sets the password from the one-time link in the invitation e-mail (the token is in the URL fragment). */
export function PortalInvitation({ onSignedIn }: { onSignedIn: () => Promise<void> }) {
  const { t } = useI18n();
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    if (form.get('password') !== form.get('repeat')) return setError(t.passwordsDiffer);
    try {
      await portalApi('POST', '/api/portal/invitation', {
        token: window.location.hash.slice(1),
        password: form.get('password'),
      });
      await onSignedIn();
      navigate('/firma');
    } catch (failure) {
      setError(explain(failure, t));
    }
  };

  return (
    <form className="card narrow" onSubmit={(e) => void submit(e)} aria-labelledby="invitation-title">
      <h1 id="invitation-title">{t.invitationTitle}</h1>
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
      <button type="submit">{t.setPassword}</button>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
