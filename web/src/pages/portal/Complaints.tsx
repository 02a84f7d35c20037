import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { portalApi } from '../../api.js';
import { SourceLabel } from '../../components/SourceLabel.js';
import { Table } from '../../components/Table.js';
import { useI18n } from '../../i18n.js';
import { ErrorAlert, useAction } from './useAction.js';

export interface EvidenceItem {
  evidenceId: string;
  transactionId: string;
  mediaType: string;
  bytes: number;
  attachedAt: string;
}
export interface AnswerItem {
  text: string;
  by: string;
  at: string;
  evidence: EvidenceItem[];
}
interface HistoryItem {
  status: string;
  source: string | null;
  consentDate: string;
  transactionId: string;
}
interface CompanyComplaint {
  id: string;
  brandCode: number;
  brandName: string;
  type: string;
  address: string;
  receivedAt: string;
  messageText: string;
  status: string;
  answerDueAt: string | null;
  history: HistoryItem[];
  evidence: EvidenceItem[];
  answers: AnswerItem[];
}

/** A piece of evidence as a download link: its type, size and when it was attached. */
export function EvidenceLink({ item, href }: { item: EvidenceItem; href: string }) {
  const { t } = useI18n();
  return (
    <a href={href} download>
      {t.downloadEvidence}: {item.mediaType.split('/')[1]!.toUpperCase()}, {Math.ceil(item.bytes / 1024)} KB ·{' '}
      {item.attachedAt}
    </a>
  );
}

/**
 * The company's side of complaints: each complaint naming its brands with the address masked, the record
 * as it stood, the evidence attached to it, and (for admins and operators) forms to attach evidence and to
 * answer before the deadline.
 */
export function Complaints({ canWrite, isAdmin }: { canWrite: boolean; isAdmin: boolean }) {
  const { t } = useI18n();
  const [complaints, setComplaints] = useState<CompanyComplaint[] | null>(null);
  const [error, run] = useAction();
  const [notice, setNotice] = useState<string | null>(null);
  const load = useCallback(
    () =>
      run(async () => setComplaints(await portalApi<CompanyComplaint[]>('GET', '/api/portal/complaints'))),
    [run],
  );
  useEffect(() => void load(), [load]);

  const attach = (complaint: CompanyComplaint) => async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    if (
      await run(() =>
        portalApi('POST', `/api/portal/brands/${complaint.brandCode}/consents/evidence`, form).then(() => {}),
      )
    ) {
      setNotice(t.evidenceAttached);
      await load();
    }
  };
  const answer = (complaint: CompanyComplaint) => async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const body = {
      text: String(form.get('text') ?? ''),
      transactionIds: form.getAll('transactionIds').map(String),
    };
    if (
      await run(() =>
        portalApi('POST', `/api/portal/complaints/${complaint.id}/answers`, body).then(() => {}),
      )
    ) {
      setNotice(t.answerSent);
      await load();
    }
  };

  return (
    <section aria-labelledby="company-complaints-title">
      <h2 id="company-complaints-title">{t.companyComplaints}</h2>
      <p>{t.companyComplaintsIntro}</p>
      {isAdmin && (
        <p>
          <a href="/api/portal/evidence-archive" download>
            {t.evidenceArchive}
          </a>
        </p>
      )}
      <ErrorAlert error={error} />
      {notice && <p role="status">{notice}</p>}
      {complaints?.length === 0 && <p className="card">{t.noCompanyComplaints}</p>}
      {complaints?.map((c) => {
        const overdue =
          c.answerDueAt !== null &&
          c.answerDueAt < new Date(Date.now() + 3 * 3600_000).toISOString().replace('T', ' ');
        const withEvidence = [...new Set(c.evidence.map((e) => e.transactionId))];
        return (
          <article key={c.id} className="card" aria-labelledby={`complaint-${c.id}`}>
            <h3 id={`complaint-${c.id}`}>{t.complaintFor(`${c.brandName} (${c.brandCode})`, c.type)}</h3>
            <dl>
              <dt>{t.maskedAddress}</dt>
              <dd>{c.address}</dd>
              <dt>{t.messageReceivedAt}</dt>
              <dd>{c.receivedAt}</dd>
              <dt>{t.statusHeader}</dt>
              <dd>{t.complaintStatus[c.status] ?? c.status}</dd>
              <dt>{t.answerDue}</dt>
              <dd>{c.answerDueAt?.slice(0, 10) ?? '—'}</dd>
            </dl>
            <blockquote>{c.messageText}</blockquote>
            <h4>{t.registryRecord}</h4>
            <div className="table-wrap">
              <Table label={t.registryRecord}>
                <thead>
                  <tr>
                    <th scope="col">{t.statusHeader}</th>
                    <th scope="col">{t.source}</th>
                    <th scope="col">{t.consentDate}</th>
                    <th scope="col">{t.evidenceHeader}</th>
                  </tr>
                </thead>
                <tbody>
                  {c.history.map((h) => (
                    <tr key={h.transactionId}>
                      <td>{t.status[h.status] ?? h.status}</td>
                      <td>
                        <SourceLabel code={h.source} />
                      </td>
                      <td>{h.consentDate}</td>
                      <td>
                        {c.evidence
                          .filter((e) => e.transactionId === h.transactionId)
                          .map((e) => (
                            <div key={e.evidenceId}>
                              <EvidenceLink item={e} href={`/api/portal/evidence/${e.evidenceId}`} />
                            </div>
                          ))}
                        {!c.evidence.some((e) => e.transactionId === h.transactionId) && t.noEvidence}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </Table>
            </div>
            {c.answers.length > 0 && (
              <>
                <h4>{t.answersHeader}</h4>
                {c.answers.map((a) => (
                  <p key={a.at}>
                    {a.at} · {a.by}: {a.text}
                  </p>
                ))}
              </>
            )}
            {canWrite && !overdue && (
              <>
                <form onSubmit={attach(c)} aria-label={t.attachEvidence}>
                  <h4>{t.attachEvidence}</h4>
                  <label htmlFor={`movement-${c.id}`}>{t.evidenceMovement}</label>
                  <select id={`movement-${c.id}`} name="transactionId">
                    {c.history.map((h) => (
                      <option key={h.transactionId} value={h.transactionId}>
                        {h.consentDate} · {t.status[h.status] ?? h.status}
                      </option>
                    ))}
                  </select>
                  <label htmlFor={`file-${c.id}`}>{t.evidenceFile}</label>
                  <input
                    id={`file-${c.id}`}
                    name="file"
                    type="file"
                    required
                    accept="application/pdf,image/png,image/jpeg,application/json,.json"
                  />
                  <button type="submit">{t.attachEvidence}</button>
                </form>
                <form onSubmit={answer(c)} aria-label={t.sendAnswer}>
                  <label htmlFor={`answer-${c.id}`}>{t.yourAnswer}</label>
                  <textarea id={`answer-${c.id}`} name="text" required maxLength={4000} rows={4} />
                  {withEvidence.length > 0 && (
                    <fieldset>
                      <legend>{t.relyOn}</legend>
                      {withEvidence.map((id) => {
                        const h = c.history.find((item) => item.transactionId === id);
                        return (
                          <label key={id}>
                            <input type="checkbox" name="transactionIds" value={id} defaultChecked />{' '}
                            {h ? `${h.consentDate} · ${t.status[h.status] ?? h.status}` : id}
                          </label>
                        );
                      })}
                    </fieldset>
                  )}
                  <button type="submit">{t.sendAnswer}</button>
                </form>
              </>
            )}
            {overdue && c.answers.length === 0 && <p>{t.answerOverdue}</p>}
          </article>
        );
      })}
    </section>
  );
}
