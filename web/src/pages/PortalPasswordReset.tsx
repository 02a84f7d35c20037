import { useState, type FormEvent } from 'react';
import { portalApi } from '../api.js';
import { explain } from '../errors.js';
import { useI18n } from '../i18n.js';

/** "Forgot password": asks for a link by e-mail. The answer is the same whether an account exists or not. */
export function PortalPasswordReset() {
  const { t } = useI18n();
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setError(null);
    try {
      await portalApi('POST', '/api/portal/password-reset', {
        email: new FormData(event.currentTarget).get('email'),
      });
      setSent(true);
    } catch (failure) {
      setError(explain(failure, t));
    }
  };
  return (
    <form className="card narrow" onSubmit={(e) => void submit(e)} aria-labelledby="reset-title">
      <h1 id="reset-title">{t.resetTitle}</h1>
      <p>{t.resetIntro}</p>
      <label htmlFor="reset-email">{t.emailLabel}</label>
      <input id="reset-email" name="email" type="email" autoComplete="username" required />
      <button type="submit">{t.sendResetLink}</button>
      {sent && (
        <p className="success" role="status">
          {t.resetSent}
        </p>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
