import { useEffect, useState } from 'react';
import { staffApi } from '../api.js';
import { Table } from '../components/Table.js';
import { useI18n } from '../i18n.js';

interface RetentionView {
  refusalDays: number;
  operationalDays: number;
  runs: Array<{ ranAt: string; kind: string; brandId: number | null; rows: number }>;
}

/** What the daily retention run keeps and for how long, and what it removed: counts only. */
export function Retention() {
  const { t } = useI18n();
  const [view, setView] = useState<RetentionView | null>(null);
  useEffect(() => {
    staffApi<RetentionView>('GET', '/api/regulator/retention').then(setView, () => setView(null));
  }, []);
  const f = t.retentionFields;
  return (
    <section aria-labelledby="retention-title">
      <h1 id="retention-title">{t.retention}</h1>
      {view && <p>{t.retentionIntro(view.refusalDays, view.operationalDays)}</p>}
      {view?.runs.length === 0 && <p className="card">{t.noRetentionRuns}</p>}
      {view && view.runs.length > 0 && (
        <div className="card table-wrap">
          <Table>
            <thead>
              <tr>
                <th scope="col">{f.at}</th>
                <th scope="col">{f.kind}</th>
                <th scope="col">{f.brand}</th>
                <th scope="col">{f.rows}</th>
              </tr>
            </thead>
            <tbody>
              {view.runs.map((run, i) => (
                <tr key={i}>
                  <td>{run.ranAt}</td>
                  <td>{t.retentionKinds[run.kind] ?? run.kind}</td>
                  <td>{run.brandId ?? '—'}</td>
                  <td>{run.rows.toLocaleString('tr-TR')}</td>
                </tr>
              ))}
            </tbody>
          </Table>
        </div>
      )}
    </section>
  );
}
