import { useCallback, useEffect, useState } from 'react';
import { staffApi } from '../api.js';
import { useI18n } from '../i18n.js';
import { useLatestRequest } from '../latest-request.js';
import { ErrorAlert, useAction } from './portal/useAction.js';

interface Application {
  id: string;
  kind: string;
  title: string;
  taxId: string;
  mersis: string | null;
  taxOffice: string;
  invoiceAddress: string;
  email: string;
  contactName: string;
  contactTckn: string;
  agreementBytes: number;
  status: string;
  submittedAt: string;
  rejectionReason: string | null;
  iysCode: number | null;
}

/** Provider applications for registry admins: the details, the signed agreement, approve or reject. */
export function Applications() {
  const { t } = useI18n();
  const [status, setStatus] = useState('pending');
  const [list, setList] = useState<Application[]>([]);
  const [error, run] = useAction();
  const [approved, setApproved] = useState<string | null>(null);
  // Only the newest request may fill the list: a reload after a decision must not overwrite a newer filter.
  const latest = useLatestRequest();
  const load = useCallback(
    () =>
      latest(() => staffApi<Application[]>('GET', `/api/regulator/applications?status=${status}`), setList),
    [latest, status],
  );
  useEffect(() => void run(load), [run, load]);

  const openAgreement = (id: string) =>
    void run(async () => {
      // The session cookie goes with a plain link: the PDF opens as the server sends it.
      window.open(`/api/regulator/applications/${id}/agreement`, '_blank', 'noopener');
    });
  const approve = (application: Application) =>
    void run(async () => {
      setApproved(null);
      const { iysCode, brandCode } = await staffApi<{ iysCode: number; brandCode: number }>(
        'POST',
        `/api/regulator/applications/${application.id}/approve`,
      );
      setApproved(t.applicationApproved(application.title, iysCode, brandCode));
      await load();
    });
  const reject = (id: string, reason: string) =>
    void run(
      async () => (
        await staffApi('POST', `/api/regulator/applications/${id}/reject`, { reason }),
        await load()
      ),
    );

  return (
    <section aria-labelledby="applications-title">
      <h1 id="applications-title">{t.applications}</h1>
      <div className="card row">
        <label htmlFor="application-status">{t.statusHeader}</label>
        <select id="application-status" value={status} onChange={(e) => setStatus(e.target.value)}>
          {Object.entries(t.applicationStatus).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </div>
      <ErrorAlert error={error} />
      {approved && (
        <p className="card success" role="status">
          {approved}
        </p>
      )}
      {list.length === 0 && <p>{t.noApplications}</p>}
      {list.map((a) => (
        <article key={a.id} className="card" aria-label={a.title}>
          <h2>
            {a.title} <small>· {a.kind === 'TUZEL' ? t.kindTuzel : t.kindGercek}</small>
          </h2>
          <dl className="plain">
            <dt>{a.kind === 'TUZEL' ? t.vknLabel : t.tcknLabel}</dt>
            <dd>{a.taxId}</dd>
            {a.mersis && (
              <>
                <dt>{t.mersisLabel}</dt>
                <dd>{a.mersis}</dd>
              </>
            )}
            <dt>{t.taxOfficeLabel}</dt>
            <dd>{a.taxOffice}</dd>
            <dt>{t.invoiceAddressLabel}</dt>
            <dd>{a.invoiceAddress}</dd>
            <dt>{t.corporateEmailLabel}</dt>
            <dd>{a.email}</dd>
            <dt>{t.contactNameLabel}</dt>
            <dd>
              {a.contactName} ({a.contactTckn})
            </dd>
          </dl>
          <p>
            <small>{a.submittedAt}</small> ·{' '}
            <button type="button" className="link" onClick={() => openAgreement(a.id)}>
              {t.agreement} · {Math.ceil(a.agreementBytes / 1024)} KB
            </button>
          </p>
          {a.status === 'approved' && a.iysCode !== null && (
            <p className="success">{t.approvedAs(a.iysCode)}</p>
          )}
          {a.status === 'rejected' && <p>{a.rejectionReason}</p>}
          {a.status === 'pending' && (
            <form
              className="row"
              onSubmit={(e) => {
                e.preventDefault();
                reject(a.id, String(new FormData(e.currentTarget).get('reason') ?? ''));
              }}
            >
              <button type="button" onClick={() => approve(a)}>
                {t.approveApplication}
              </button>
              <span>
                <label htmlFor={`reason-${a.id}`}>{t.rejectionReason}</label>
                <input id={`reason-${a.id}`} name="reason" required minLength={3} maxLength={2000} />
              </span>
              <button type="submit" className="danger">
                {t.rejectApplication}
              </button>
            </form>
          )}
        </article>
      ))}
    </section>
  );
}
