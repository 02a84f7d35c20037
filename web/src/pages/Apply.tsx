import { useEffect, useState, type FormEvent } from 'react';
import { explain } from '../errors.js';
import { api } from '../api.js';
import { useI18n } from '../i18n.js';

/** The link e-mailed to the applicant: /basvuru#onay=<token> (a fragment, so it never reaches a log). */
const confirmToken = () => /^#onay=([A-Za-z0-9_-]+)$/.exec(window.location.hash)?.[1];

/**
 * The public application form: a company or a natural person, with the signed agreement as a PDF; and the
 * page the confirmation link opens.
 */
export function Apply() {
  const [token, setToken] = useState(confirmToken);
  useEffect(() => {
    const update = () => setToken(confirmToken());
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return token ? <ConfirmApplication token={token} /> : <ApplicationForm />;
}

function ConfirmApplication({ token }: { token: string }) {
  const { t } = useI18n();
  const [outcome, setOutcome] = useState<{ id: string } | { error: string } | null>(null);
  useEffect(() => {
    api<{ id: string }>('POST', '/api/applications/confirm', { token }).then(setOutcome, (failure: unknown) =>
      setOutcome({ error: explain(failure, t) }),
    );
  }, [token]);
  return (
    <section className="card narrow">
      <h1>{t.applyTitle}</h1>
      {outcome === null && <p role="status">{t.confirmingApplication}</p>}
      {outcome && 'id' in outcome && (
        <p className="success" role="status">
          {t.applicationConfirmed(outcome.id)}
        </p>
      )}
      {outcome && 'error' in outcome && (
        <p className="error" role="alert">
          {outcome.error}
        </p>
      )}
    </section>
  );
}

function ApplicationForm() {
  const { t } = useI18n();
  const [kind, setKind] = useState<'TUZEL' | 'GERCEK'>('TUZEL');
  const [received, setReceived] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { id } = await api<{ id: string }>(
        'POST',
        '/api/applications',
        new FormData(event.currentTarget),
      );
      setReceived(id);
    } catch (failure) {
      setError(explain(failure, t));
    } finally {
      setBusy(false);
    }
  };

  if (received) {
    return (
      <section className="card narrow">
        <h1>{t.applyTitle}</h1>
        <p className="success" role="status">
          {t.applicationReceived(received)}
        </p>
      </section>
    );
  }

  const field = (name: string, label: string, props: Record<string, unknown> = {}) => (
    <>
      <label htmlFor={`apply-${name}`}>{label}</label>
      <input id={`apply-${name}`} name={name} required {...props} />
    </>
  );

  return (
    <form className="card narrow" onSubmit={(e) => void submit(e)} aria-labelledby="apply-heading">
      <h1 id="apply-heading">{t.applyTitle}</h1>
      <p>{t.applyIntro}</p>
      <fieldset>
        <legend>{t.kindLabel}</legend>
        {(['TUZEL', 'GERCEK'] as const).map((k) => (
          <label key={k} className="choice">
            <input type="radio" name="kind" value={k} checked={kind === k} onChange={() => setKind(k)} />{' '}
            {k === 'TUZEL' ? t.kindTuzel : t.kindGercek}
          </label>
        ))}
      </fieldset>
      {field('title', t.titleLabel, { maxLength: 255 })}
      {kind === 'TUZEL' ? (
        <>
          {field('vkn', t.vknLabel, { inputMode: 'numeric', pattern: '\\d{10}' })}
          {field('mersis', t.mersisLabel, { inputMode: 'numeric', pattern: '0\\d{15}' })}
        </>
      ) : (
        field('tckn', t.tcknLabel, { inputMode: 'numeric', pattern: '\\d{11}' })
      )}
      {field('taxOffice', t.taxOfficeLabel)}
      <label htmlFor="apply-invoiceAddress">{t.invoiceAddressLabel}</label>
      <textarea
        id="apply-invoiceAddress"
        name="invoiceAddress"
        rows={3}
        required
        minLength={10}
        maxLength={500}
      />
      {field('email', t.corporateEmailLabel, { type: 'email', autoComplete: 'email' })}
      {field('contactName', t.contactNameLabel, { autoComplete: 'name' })}
      {field('contactTckn', t.contactTcknLabel, { inputMode: 'numeric', pattern: '\\d{11}' })}
      <p className="muted">
        {t.agreementHowTo}{' '}
        <a href="/api/applications/agreement.pdf" download>
          {t.agreementDownload}
        </a>
      </p>
      {field('agreement', t.agreementLabel, { type: 'file', accept: 'application/pdf,.pdf' })}
      <button type="submit" disabled={busy}>
        {t.submitApplication}
      </button>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
