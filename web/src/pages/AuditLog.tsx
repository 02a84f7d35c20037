import { Table } from '../components/Table.js';
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { staffApi } from '../api.js';
import { useI18n } from '../i18n.js';
import { useLatestRequest } from '../latest-request.js';

interface AuditEntry {
  id: string;
  at: string;
  actor: string;
  action: string;
  target: string;
  details: unknown;
}

/** The append-only audit log, filtered by what the actions concern, by actor and by target. */
export function AuditLog() {
  const { t } = useI18n();
  const [query, setQuery] = useState({ actor: '', area: '', target: '' });
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const latest = useLatestRequest();
  const load = useCallback(() => {
    const params = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== ''));
    return latest(() => staffApi<AuditEntry[]>('GET', `/api/regulator/audit?${params}`), setEntries);
  }, [latest, query]);
  useEffect(() => void load(), [load]);
  const search = (event: FormEvent) => {
    event.preventDefault();
    void load();
  };

  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">{t.auditLog}</h1>
      <form className="card row" onSubmit={search}>
        <span>
          <label htmlFor="a-area">{t.auditArea}</label>
          <select
            id="a-area"
            value={query.area}
            onChange={(e) => setQuery({ ...query, area: e.target.value })}
          >
            <option value="">{t.auditAllAreas}</option>
            {Object.entries(t.auditAreas).map(([area, label]) => (
              <option key={area} value={area}>
                {label}
              </option>
            ))}
          </select>
        </span>
        {(['actor', 'target'] as const).map((field) => (
          <span key={field}>
            <label htmlFor={`a-${field}`}>{t.auditFields[field]}</label>
            <input
              id={`a-${field}`}
              value={query[field]}
              onChange={(e) => setQuery({ ...query, [field]: e.target.value })}
            />
          </span>
        ))}
      </form>
      <div className="card table-wrap">
        <Table>
          <thead>
            <tr>
              <th scope="col">{t.auditFields.at}</th>
              <th scope="col">{t.auditFields.actor}</th>
              <th scope="col">{t.auditFields.action}</th>
              <th scope="col">{t.auditFields.target}</th>
            </tr>
          </thead>
          <tbody>
            {entries?.map((entry) => (
              <tr key={entry.id}>
                <td>{entry.at}</td>
                <td>{entry.actor}</td>
                <td>
                  {t.auditActions[entry.action] ? (
                    <abbr title={entry.action}>{t.auditActions[entry.action]}</abbr>
                  ) : (
                    <code>{entry.action}</code>
                  )}
                </td>
                <td>{entry.target}</td>
              </tr>
            ))}
          </tbody>
        </Table>
        {entries?.length === 0 && <p>{t.auditEmpty}</p>}
      </div>
    </section>
  );
}
