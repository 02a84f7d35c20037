import { Table } from '../components/Table.js';
import { useEffect, useState } from 'react';
import { api } from '../api.js';
import { useI18n } from '../i18n.js';

interface ProviderRow {
  iysCode: number;
  title: string;
  consents: number;
  optOutRate: number | null;
  upheldComplaintsPer10k: number | null;
  optOutsDue: number;
  optOutsReachedWithinADay: number | null;
}

/** The public transparency page: how each company treats consent, without any personal data. */
export function Transparency() {
  const { t } = useI18n();
  const percent = (value: number | null) => (value === null ? '—' : t.percent(value));
  const [rows, setRows] = useState<ProviderRow[] | null>(null);
  useEffect(() => void api<ProviderRow[]>('GET', '/api/public/transparency').then(setRows), []);
  if (!rows) return <p aria-busy="true">{t.loading}</p>;
  return (
    <section aria-labelledby="transparency-title">
      <div className="title-row">
        <h1 id="transparency-title">{t.transparency}</h1>
        <a href="/api/public/transparency.csv">{t.openData}</a>
      </div>
      <p>{t.transparencyIntro}</p>
      <div className="card table-wrap">
        <Table>
          <thead>
            <tr>
              <th scope="col">{t.company}</th>
              <th scope="col">{t.consentCount}</th>
              <th scope="col">{t.optOutRate}</th>
              <th scope="col">{t.upheldPer10k}</th>
              <th scope="col">{t.optOutsReached}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.iysCode}>
                <td>{row.title}</td>
                <td>{row.consents.toLocaleString('tr-TR')}</td>
                <td>{percent(row.optOutRate)}</td>
                <td>{row.upheldComplaintsPer10k ?? '—'}</td>
                <td>
                  {percent(row.optOutsReachedWithinADay)} <small>({row.optOutsDue})</small>
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
      </div>
    </section>
  );
}
