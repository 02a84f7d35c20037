import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { explain } from '../errors.js';
import { api, type Complaint } from '../api.js';
import type { Session } from '../App.js';
import { useI18n } from '../i18n.js';
import { useProvinces } from '../provinces.js';
import { BrandPicker } from './BrandPicker.js';

const toWireDate = (local: string) => `${local.replace('T', ' ')}:00`.slice(0, 19);

/** File a complaint about a message received; the registry attaches the consent evidence by itself. */
export function Complaints({ session }: { session: Session }) {
  const { t } = useI18n();
  const [complaints, setComplaints] = useState<Complaint[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [filed, setFiled] = useState<Complaint | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(
    async () => setComplaints(await api<Complaint[]>('GET', '/api/citizen/complaints')),
    [],
  );
  const provinces = useProvinces();
  useEffect(() => void load(), [load]);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    form.set('receivedAt', toWireDate(String(form.get('receivedAt') ?? '')));
    const screenshot = form.get('screenshot');
    if (screenshot instanceof File && screenshot.size === 0) form.delete('screenshot');
    setBusy(true);
    setError(null);
    try {
      const result = await api<{ id: string }>('POST', '/api/citizen/complaints', form);
      const list = await api<Complaint[]>('GET', '/api/citizen/complaints');
      setComplaints(list);
      setFiled(list.find((c) => c.id === result.id) ?? null);
      event.currentTarget?.reset();
    } catch (failure) {
      setError(explain(failure, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="complaints-title">
      <h1 id="complaints-title">{t.complaints}</h1>
      <form className="card" onSubmit={(e) => void submit(e)} aria-labelledby="new-complaint">
        <h2 id="new-complaint">{t.fileComplaint}</h2>
        <label htmlFor="c-address">{t.complaintAddress}</label>
        <select id="c-address" name="addressId" required>
          {session.addresses.map((a) => (
            <option key={a.id} value={a.id}>
              {a.address}
            </option>
          ))}
        </select>
        <BrandPicker />
        <label htmlFor="c-type">{t.channelHeader}</label>
        <select id="c-type" name="type" required>
          {(['MESAJ', 'ARAMA', 'EPOSTA'] as const).map((type) => (
            <option key={type} value={type}>
              {t.channel[type]}
            </option>
          ))}
        </select>
        <label htmlFor="c-province">{t.province}</label>
        <select id="c-province" name="province" defaultValue="">
          <option value="">—</option>
          {provinces.map((p) => (
            <option key={p.code} value={p.code}>
              {p.name}
            </option>
          ))}
        </select>
        <label htmlFor="c-received">{t.receivedAt}</label>
        <input id="c-received" name="receivedAt" type="datetime-local" required />
        <label htmlFor="c-text">{t.messageText}</label>
        <textarea id="c-text" name="messageText" required maxLength={2000} rows={4} />
        <label htmlFor="c-shot">{t.screenshot}</label>
        <input id="c-shot" name="screenshot" type="file" accept="image/png,image/jpeg" />
        <button type="submit" disabled={busy}>
          {t.submit}
        </button>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        {filed && (
          <p className="success" role="status" data-testid="verdict">
            {t.complaintFiled} {t.verdict[filed.verdict] ?? filed.verdict}
          </p>
        )}
      </form>
      {complaints && complaints.length === 0 && <p>{t.noComplaints}</p>}
      {complaints?.map((c) => (
        <ComplaintCard key={c.id} complaint={c} onReplied={load} />
      ))}
    </section>
  );
}

/** One complaint as its author follows it: status, the regulator's note, and a reply when one is asked for. */
function ComplaintCard({
  complaint: c,
  onReplied,
}: {
  complaint: Complaint;
  onReplied: () => Promise<void>;
}) {
  const { t } = useI18n();
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState(false);
  const reply = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const text = new FormData(event.currentTarget).get('text');
    setError(null);
    try {
      await api('POST', `/api/citizen/complaints/${c.id}/replies`, { text });
      setSent(true);
      await onReplied();
    } catch (failure) {
      setError(explain(failure, t));
    }
  };
  return (
    <article className="card" aria-label={`${c.brandName} ${c.receivedAt}`}>
      <h3>
        {c.brandName} <small>· {c.company}</small>
      </h3>
      <p>
        {t.channel[c.type]} · {c.receivedAt} ·{' '}
        <span className="badge" data-testid="complaint-status">
          {t.complaintStatus[c.status] ?? c.status}
        </span>
      </p>
      <p className="verdict">{t.verdict[c.verdict] ?? c.verdict}</p>
      <blockquote>{c.messageText}</blockquote>
      {c.decisionNote && (
        <p>
          <strong>{t.regulatorNote}</strong> <small>({c.decidedAt})</small>: {c.decisionNote}
        </p>
      )}
      {c.replies.length > 0 && (
        <>
          <h4>{t.yourReplies}</h4>
          <ul className="history">
            {c.replies.map((r, i) => (
              <li key={i}>
                {r.at} — {r.text}
              </li>
            ))}
          </ul>
        </>
      )}
      {sent && (
        <p className="success" role="status">
          {t.replySent}
        </p>
      )}
      {c.status === 'needs_information' && (
        <form onSubmit={(e) => void reply(e)}>
          <label htmlFor={`reply-${c.id}`}>{t.replyLabel}</label>
          <textarea id={`reply-${c.id}`} name="text" required maxLength={2000} rows={3} />
          <button type="submit">{t.sendReply}</button>
          {error && (
            <p className="error" role="alert">
              {error}
            </p>
          )}
        </form>
      )}
    </article>
  );
}
