import { useState, type FormEvent } from 'react';
import { portalApi } from '../../api.js';
import { useI18n } from '../../i18n.js';
import { ErrorAlert, useAction } from './useAction.js';

/** Two-step verification: propose a secret, confirm it with a code from the app, or turn it off. */
export function Security({
  totpEnabled,
  onChanged,
}: {
  totpEnabled: boolean;
  onChanged: () => Promise<void>;
}) {
  const { t } = useI18n();
  const [proposal, setProposal] = useState<{ secret: string; uri: string } | null>(null);
  const [error, run] = useAction();

  const confirm = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const code = new FormData(event.currentTarget).get('code');
    void run(async () => {
      if (totpEnabled) await portalApi('POST', '/api/portal/totp/disable', { code });
      else await portalApi('POST', '/api/portal/totp/enable', { secret: proposal?.secret, code });
      setProposal(null);
      await onChanged();
    });
  };

  return (
    <section className="card narrow" aria-labelledby="security-title">
      <h2 id="security-title">{t.security}</h2>
      <p>{totpEnabled ? t.totpOn : t.totpOff}</p>
      {!totpEnabled && !proposal && (
        <button
          type="button"
          onClick={() => void run(async () => setProposal(await portalApi('POST', '/api/portal/totp/setup')))}
        >
          {t.totpStart}
        </button>
      )}
      {proposal && (
        <p>
          {t.totpScan} <code data-testid="totp-secret">{proposal.secret}</code>{' '}
          <a href={proposal.uri}>otpauth</a>
        </p>
      )}
      {(totpEnabled || proposal) && (
        <form onSubmit={confirm}>
          <label htmlFor="totp-code">{t.totpLabel}</label>
          <input id="totp-code" name="code" inputMode="numeric" pattern="\d{6}" maxLength={6} required />
          <button type="submit" className={totpEnabled ? 'danger' : ''}>
            {totpEnabled ? t.totpDisable : t.totpEnable}
          </button>
        </form>
      )}
      <ErrorAlert error={error} />
    </section>
  );
}
