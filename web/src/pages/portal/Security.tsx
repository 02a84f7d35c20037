import { useEffect, useState, type FormEvent } from 'react';
import { portalApi } from '../../api.js';
import { useI18n } from '../../i18n.js';
import { ErrorAlert, useAction } from './useAction.js';

interface Proposal {
  secret: string;
  uri: string;
  qrSvg: string;
}

/**
 * Two-step verification: scan a QR code (or type the key), confirm with a code from the app, keep the ten
 * recovery codes shown once; later renew the codes or turn the factor off.
 */
export function Security({
  totpEnabled,
  onChanged,
}: {
  totpEnabled: boolean;
  onChanged: () => Promise<void>;
}) {
  const { t } = useI18n();
  const [proposal, setProposal] = useState<Proposal | null>(null);
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | null>(null);
  const [left, setLeft] = useState<number | null>(null);
  const [error, run] = useAction();
  useEffect(() => {
    if (totpEnabled)
      void run(async () =>
        setLeft((await portalApi<{ left: number }>('GET', '/api/portal/totp/recovery-codes')).left),
      );
  }, [run, totpEnabled, recoveryCodes]);

  const withCode =
    (action: (code: FormDataEntryValue | null) => Promise<void>) => (event: FormEvent<HTMLFormElement>) => {
      event.preventDefault();
      const form = event.currentTarget;
      const code = new FormData(form).get('code');
      void run(async () => (await action(code), form.reset()));
    };
  const enable = withCode(async (code) => {
    const enabled = await portalApi<{ recoveryCodes: string[] }>('POST', '/api/portal/totp/enable', {
      secret: proposal?.secret,
      code,
    });
    setProposal(null);
    setRecoveryCodes(enabled.recoveryCodes);
    await onChanged();
  });
  const disable = withCode(async (code) => {
    await portalApi('POST', '/api/portal/totp/disable', { code });
    setRecoveryCodes(null);
    await onChanged();
  });
  const renew = withCode(async (code) =>
    setRecoveryCodes(
      (await portalApi<{ recoveryCodes: string[] }>('POST', '/api/portal/totp/recovery-codes', { code }))
        .recoveryCodes,
    ),
  );

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
        <>
          <p>{t.totpScan}</p>
          <img
            className="qr"
            src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(proposal.qrSvg)}`}
            alt={t.totpQrAlt}
            width={200}
            height={200}
          />
          <p>
            {t.totpManual} <code data-testid="totp-secret">{proposal.secret}</code>
          </p>
          <CodeForm label={t.totpLabel} submit={t.totpEnable} onSubmit={enable} digitsOnly />
        </>
      )}
      {recoveryCodes && <RecoveryCodes codes={recoveryCodes} />}
      {totpEnabled && (
        <>
          {left !== null && <p>{t.recoveryLeft(left)}</p>}
          <CodeForm
            label={t.totpLabel}
            submit={t.recoveryRenew}
            onSubmit={renew}
            digitsOnly
            id="renew"
            secondary
          />
          <CodeForm
            label={t.codeOrRecoveryLabel}
            submit={t.totpDisable}
            onSubmit={disable}
            id="disable"
            danger
          />
        </>
      )}
      <ErrorAlert error={error} />
    </section>
  );
}

function CodeForm(props: {
  label: string;
  submit: string;
  onSubmit: (event: FormEvent<HTMLFormElement>) => void;
  id?: string;
  digitsOnly?: boolean;
  secondary?: boolean;
  danger?: boolean;
}) {
  const id = `totp-code${props.id ? `-${props.id}` : ''}`;
  return (
    <form onSubmit={props.onSubmit}>
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        name="code"
        autoComplete="one-time-code"
        {...(props.digitsOnly
          ? { inputMode: 'numeric', pattern: '\\d{6}', maxLength: 6 }
          : { maxLength: 16 })}
        required
      />
      <button type="submit" className={props.danger ? 'danger' : props.secondary ? 'secondary' : ''}>
        {props.submit}
      </button>
    </form>
  );
}

/** The ten codes, shown once: listed, and offered as a text file to keep. */
function RecoveryCodes({ codes }: { codes: string[] }) {
  const { t } = useI18n();
  const [href] = useState(() =>
    URL.createObjectURL(
      new Blob([`openiys\n${t.recoveryTitle}\n\n${codes.join('\n')}\n`], { type: 'text/plain' }),
    ),
  );
  useEffect(() => () => URL.revokeObjectURL(href), [href]);
  return (
    <div className="card" role="region" aria-labelledby="recovery-title">
      <h3 id="recovery-title">{t.recoveryTitle}</h3>
      <p>{t.recoveryIntro}</p>
      <ol className="recovery-codes" data-testid="recovery-codes">
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ol>
      <a href={href} download="openiys-kurtarma-kodlari.txt">
        {t.recoveryDownload}
      </a>
    </div>
  );
}
