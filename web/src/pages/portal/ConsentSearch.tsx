import { SourceLabel } from '../../components/SourceLabel.js';
import { Table } from '../../components/Table.js';
import { useState, type FormEvent } from 'react';
import { portalApi } from '../../api.js';
import { useI18n } from '../../i18n.js';
import { ErrorAlert, useAction } from './useAction.js';

interface Found {
  recipient: string;
  consents: Array<{
    brandCode: number;
    brandName: string;
    recipientType: string;
    type: string;
    status: string;
    source: string;
    consentDate: string;
  }>;
  history: Array<{
    brandCode: number;
    type: string;
    status: string;
    source: string;
    consentDate: string;
    creationDate: string;
  }>;
}

/** Exact lookup of one address through the blind index: its consents and history with our brands. */
export function ConsentSearch() {
  const { t } = useI18n();
  const [found, setFound] = useState<Found | null>(null);
  const [error, run] = useAction();
  const search = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const recipient = String(new FormData(event.currentTarget).get('recipient') ?? '').trim();
    void run(async () =>
      setFound(
        await portalApi<Found>('GET', `/api/portal/consents?recipient=${encodeURIComponent(recipient)}`),
      ),
    );
  };

  return (
    <section aria-labelledby="search-title">
      <h2 id="search-title">{t.searchConsents}</h2>
      <form className="card row" onSubmit={search}>
        <span>
          <label htmlFor="search-recipient">{t.recipientLabel}</label>
          <input id="search-recipient" name="recipient" required aria-describedby="search-recipient-hint" />
          <small id="search-recipient-hint">{t.addressHint}</small>
        </span>
        <button type="submit">{t.search}</button>
      </form>
      <ErrorAlert error={error} />
      {found && (
        <div className="card table-wrap">
          {found.consents.length === 0 ? (
            <p>{t.noConsentsFor(found.recipient)}</p>
          ) : (
            <Table>
              <thead>
                <tr>
                  <th scope="col">{t.brand}</th>
                  <th scope="col">{t.channelHeader}</th>
                  <th scope="col">{t.statusHeader}</th>
                  <th scope="col">{t.consentDate}</th>
                </tr>
              </thead>
              <tbody>
                {found.consents.map((c) => (
                  <tr key={`${c.brandCode}-${c.type}-${c.recipientType}`}>
                    <td>
                      <span>
                        {c.brandName} <small>· {c.brandCode}</small>
                      </span>
                    </td>
                    <td>
                      <span>
                        {t.channel[c.type]}{' '}
                        <small>· {c.recipientType === 'TACIR' ? t.tacir : t.bireysel}</small>
                      </span>
                    </td>
                    <td>
                      <span className={`badge ${c.status === 'ONAY' ? 'on' : 'off'}`}>
                        {t.status[c.status]}
                      </span>{' '}
                      <small>
                        <SourceLabel code={c.source} />
                      </small>
                    </td>
                    <td>{c.consentDate}</td>
                  </tr>
                ))}
              </tbody>
            </Table>
          )}
          {found.history.length > 0 && (
            <ol className="history" aria-label={t.history}>
              {found.history.map((h, i) => (
                <li key={i}>
                  {h.consentDate} — {t.channel[h.type]} {t.status[h.status]} (
                  <SourceLabel code={h.source ?? null} />) · {h.creationDate}
                </li>
              ))}
            </ol>
          )}
        </div>
      )}
    </section>
  );
}
