import { useState, type FormEvent } from 'react';
import { portalApi } from '../../api.js';
import { useI18n } from '../../i18n.js';
// The İYS vocabulary is one file, pure, shared with the server (as the receipt verifier is).
import { PROVIDER_SOURCES } from '../../../../src/domain/consent.js';
import { BrandSelect, type BrandOption } from './BrandSelect.js';
import { ErrorAlert, useAction } from './useAction.js';

/** `YYYY-MM-DDTHH:mm` of a moment in Türkiye (UTC+3 all year), as a datetime-local field holds it. */
const turkeyLocal = (at: Date) => new Date(at.getTime() + 3 * 3600_000).toISOString().slice(0, 16);

/**
 * One consent typed in by hand, for a company without an IT team: the same record, rules and notices as the
 * API's single add. The date is Türkiye time, as on the wire.
 */
export function ConsentEntry({ brands }: { brands: BrandOption[] }) {
  const { t } = useI18n();
  const [error, run] = useAction();
  const [recorded, setRecorded] = useState<{ transactionId: string; creationDate: string } | null>(null);
  const [consentDate, setConsentDate] = useState(() => turkeyLocal(new Date()));

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setRecorded(null);
    void run(async () => {
      const result = await portalApi<{ transactionId: string; creationDate: string }>(
        'POST',
        `/api/portal/brands/${form.get('brandCode')}/consents`,
        {
          recipient: String(form.get('recipient') ?? '').trim(),
          recipientType: form.get('recipientType'),
          type: form.get('type'),
          status: form.get('status'),
          source: form.get('source'),
          consentDate: `${consentDate.replace('T', ' ')}:00`,
        },
      );
      setRecorded(result);
    });
  };

  return (
    <section aria-labelledby="entry-title">
      <h2 id="entry-title">{t.consentEntry}</h2>
      <p>{t.consentEntryIntro}</p>
      <form className="card" onSubmit={submit}>
        <BrandSelect id="entry-brand" brands={brands} />
        <label htmlFor="entry-recipient">{t.recipientLabel}</label>
        <input id="entry-recipient" name="recipient" required aria-describedby="entry-recipient-hint" />
        <small id="entry-recipient-hint">{t.addressHint}</small>
        <fieldset>
          <legend>{t.channelHeader}</legend>
          {['MESAJ', 'ARAMA', 'EPOSTA'].map((type, i) => (
            <label key={type} className="choice">
              <input type="radio" name="type" value={type} defaultChecked={i === 0} /> {t.channel[type]}
            </label>
          ))}
        </fieldset>
        <fieldset>
          <legend>{t.statusHeader}</legend>
          {['ONAY', 'RET'].map((status, i) => (
            <label key={status} className="choice">
              <input type="radio" name="status" value={status} defaultChecked={i === 0} />{' '}
              {t.entryStatus[status]}
            </label>
          ))}
        </fieldset>
        <label htmlFor="entry-recipient-type">{t.recipientTypeLabel}</label>
        <select id="entry-recipient-type" name="recipientType" defaultValue="BIREYSEL">
          <option value="BIREYSEL">{t.bireysel}</option>
          <option value="TACIR">{t.tacir}</option>
        </select>
        <label htmlFor="entry-source">{t.source}</label>
        <select id="entry-source" name="source" defaultValue="HS_FIZIKSEL_ORTAM">
          {PROVIDER_SOURCES.map((code) => (
            <option key={code} value={code}>
              {t.sources[code]} ({code})
            </option>
          ))}
        </select>
        <label htmlFor="entry-date">{t.entryDateLabel}</label>
        <input
          id="entry-date"
          type="datetime-local"
          required
          value={consentDate}
          max={turkeyLocal(new Date())}
          onChange={(e) => setConsentDate(e.target.value)}
        />
        <button type="submit">{t.recordConsent}</button>
      </form>
      <ErrorAlert error={error} />
      {recorded && (
        <p className="card success" role="status">
          {t.consentRecorded(recorded.creationDate)} {t.transactionIdLabel}:{' '}
          <code data-testid="entry-transaction">{recorded.transactionId}</code>
        </p>
      )}
    </section>
  );
}
