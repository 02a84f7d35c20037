import { Table } from '../../components/Table.js';
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { portalApi } from '../../api.js';
import { useI18n } from '../../i18n.js';
import { BrandSelect } from './BrandSelect.js';
import { ErrorAlert, useAction } from './useAction.js';

interface Upload {
  id: string;
  brandCode: number;
  fileName: string;
  status: string;
  migration: boolean;
  totalRows: number | null;
  rowsDone: number;
  rowsApplied: number;
  rowsFailed: number;
  rowsPerSecond: number;
  secondsLeft: number | null;
  failure: string | null;
  failureCode: string | null;
  receivedAt: string;
}

interface BulkRequest {
  requestId: string;
  brandCode: number;
  acceptedAt: string;
  completedAt: string | null;
  total: number;
  succeeded: number;
  failed: number;
}

/** Consent files: upload, a live progress bar per file, the error report, templates and exports. */
export function Uploads({
  brands,
  canUpload,
}: {
  brands: Array<{ brandCode: number; name: string }>;
  canUpload: boolean;
}) {
  const { t } = useI18n();
  const [brandCode, setBrandCode] = useState(brands[0]?.brandCode ?? 0);
  const [uploads, setUploads] = useState<Upload[] | null>(null);
  const [bulk, setBulk] = useState<BulkRequest[]>([]);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, run] = useAction();
  const load = useCallback(async () => {
    setUploads(await portalApi<Upload[]>('GET', '/api/portal/uploads'));
    setBulk(await portalApi<BulkRequest[]>('GET', '/api/portal/bulk-requests'));
  }, []);
  useEffect(() => void run(load), [run, load]);
  const active = (uploads ?? []).some((u) => ['receiving', 'queued', 'processing'].includes(u.status));
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => void load().catch(() => {}), 1000);
    return () => clearInterval(timer);
  }, [active, load]);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    // The mark travels in the address: the body holds only the file.
    const migration = data.get('migration') !== null;
    data.delete('migration');
    setNotice(null);
    void run(async () => {
      const sent = await portalApi<{ id: string; duplicate: boolean }>(
        'POST',
        `/api/portal/brands/${brandCode}/uploads${migration ? '?migration=true' : ''}`,
        data,
      );
      if (sent.duplicate) setNotice(t.duplicateUpload);
      form.reset();
      await load();
    });
  };

  return (
    <section aria-labelledby="uploads-title">
      <h2 id="uploads-title">{t.uploads}</h2>
      {canUpload && (
        <form className="card row" onSubmit={submit}>
          <BrandSelect id="upload-brand" brands={brands} value={brandCode} onChange={setBrandCode} />
          <span>
            <label htmlFor="upload-file">{t.uploadFile}</label>
            <input
              id="upload-file"
              name="file"
              type="file"
              required
              accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            />
          </span>
          <span>
            <label>
              <input name="migration" type="checkbox" aria-describedby="migration-hint" /> {t.migrationUpload}
            </label>
            <small id="migration-hint">{t.migrationHint}</small>
          </span>
          <button type="submit">{t.upload}</button>
        </form>
      )}
      <p className="downloads">
        {t.templates}: <a href="/api/portal/uploads/template.csv">CSV</a> ·{' '}
        <a href="/api/portal/uploads/template.xlsx">XLSX</a> · {t.exportLabel}:{' '}
        <a href={`/api/portal/brands/${brandCode}/consents.csv`}>CSV</a> ·{' '}
        <a href={`/api/portal/brands/${brandCode}/consents.xlsx`}>XLSX</a>
      </p>
      {notice && (
        <p className="success" role="status">
          {notice}
        </p>
      )}
      <ErrorAlert error={error} />
      {uploads?.length === 0 && <p className="card">{t.noUploads}</p>}
      {uploads?.map((u) => (
        <article key={u.id} className="card" aria-label={u.fileName}>
          <h3>
            {u.fileName}{' '}
            <small>
              · {u.brandCode} · {u.receivedAt}
            </small>
            {u.migration && <span className="badge">{t.migrationBadge}</span>}
          </h3>
          <p>
            <span
              className={`badge ${u.status === 'failed' ? 'off' : u.status === 'completed' ? 'on' : ''}`}
              data-status={u.status}
            >
              {u.status === 'failed' ? '✗ ' : ''}
              {t.uploadStatus[u.status] ?? u.status}
            </span>{' '}
            {t.uploadProgress(u.rowsDone, u.totalRows, u.rowsPerSecond, u.secondsLeft)}
          </p>
          <progress
            max={Math.max(u.totalRows ?? 0, u.rowsDone, 1)}
            value={u.rowsDone}
            aria-label={u.fileName}
          />
          {u.status === 'completed' && <p role="status">{t.uploadResult(u.rowsApplied, u.rowsFailed)}</p>}
          {u.failure && (
            <p className="error">
              {u.failureCode && <code>{u.failureCode}</code>} {u.failure}
            </p>
          )}
          {canUpload && ['queued', 'processing'].includes(u.status) && (
            <button
              type="button"
              className="secondary"
              onClick={() =>
                void run(async () => {
                  await portalApi('POST', `/api/portal/uploads/${u.id}/cancel`);
                  await load();
                })
              }
            >
              {t.cancelUpload}
            </button>
          )}
          {u.rowsFailed > 0 && (
            <a href={`/api/portal/uploads/${u.id}/errors.csv`} download>
              {t.errorReport}
            </a>
          )}
        </article>
      ))}
      {bulk.length > 0 && (
        <div className="card table-wrap">
          <h3>{t.bulkRequests}</h3>
          <Table>
            <tbody>
              {bulk.map((b) => (
                <tr key={b.requestId}>
                  <td>{b.acceptedAt}</td>
                  <td>
                    <code>{b.requestId}</code> <small>· {b.brandCode}</small>
                  </td>
                  <td>
                    {b.completedAt ? t.bulkCounts(b.succeeded, b.failed, b.total) : t.uploadStatus.processing}
                  </td>
                </tr>
              ))}
            </tbody>
          </Table>
        </div>
      )}
    </section>
  );
}
