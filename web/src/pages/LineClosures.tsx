import { useEffect, useState } from 'react';
import { Table } from '../components/Table.js';
import { staffApi } from '../api.js';
import { useI18n } from '../i18n.js';

interface ClosureBatch {
  batchId: string;
  operator: string;
  kind: string;
  receivedAt: string;
  received: number;
  new: number;
  failed: number;
  applied: number;
  consentsClosed: number;
  status: string;
}

/** Operators' line-closure reports, newest first, with how far each has been applied. */
export function LineClosures() {
  const { t } = useI18n();
  const [batches, setBatches] = useState<ClosureBatch[] | null>(null);
  useEffect(() => {
    staffApi<ClosureBatch[]>('GET', '/api/regulator/line-closures').then(setBatches, () => setBatches([]));
  }, []);
  const count = (n: number) => n.toLocaleString('tr-TR');
  const f = t.closureFields;

  return (
    <section aria-labelledby="closures-title">
      <h1 id="closures-title">{t.lineClosures}</h1>
      <p>{t.lineClosuresIntro}</p>
      {batches?.length === 0 && <p className="card">{t.noLineClosures}</p>}
      {batches && batches.length > 0 && (
        <div className="card table-wrap">
          <Table>
            <thead>
              <tr>
                {[
                  f.at,
                  f.operator,
                  f.kind,
                  f.received,
                  f.new,
                  f.failed,
                  f.applied,
                  f.consentsClosed,
                  f.status,
                ].map((name) => (
                  <th key={name} scope="col">
                    {name}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {batches.map((b) => (
                <tr key={b.batchId}>
                  <td>{b.receivedAt}</td>
                  <td>{b.operator}</td>
                  <td>{t.closureKinds[b.kind] ?? b.kind}</td>
                  <td>{count(b.received)}</td>
                  <td>{count(b.new)}</td>
                  <td>{count(b.failed)}</td>
                  <td>{count(b.applied)}</td>
                  <td>{count(b.consentsClosed)}</td>
                  <td>{t.closureStatus[b.status] ?? b.status}</td>
                </tr>
              ))}
            </tbody>
          </Table>
        </div>
      )}
    </section>
  );
}
