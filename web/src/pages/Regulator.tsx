import { Table } from '../components/Table.js';
import { explain } from '../errors.js';
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { setStaffCsrfToken, staffApi, type Complaint } from '../api.js';
import { Applications } from './Applications.js';
import { AuditLog } from './AuditLog.js';
import { BrandModeration } from './BrandModeration.js';
import { GatewayAlerts } from './GatewayAlerts.js';
import { EvidenceLink, type AnswerItem } from './portal/Complaints.js';
import { LineClosures } from './LineClosures.js';
import { Retention } from './Retention.js';
import { Anomalies } from './Anomalies.js';
import { LogAuditBanner } from './LogAuditBanner.js';
import { Dashboard } from './Dashboard.js';
import { useI18n } from '../i18n.js';
import { useLatestRequest } from '../latest-request.js';
import { useProvinces } from '../provinces.js';

interface RegulatorComplaint extends Complaint {
  iysCode: number;
  answerDueAt: string | null;
  companyAnswers: AnswerItem[];
}

interface StaffSession {
  name: string;
  role: string;
  csrfToken: string;
}

/** The regulator console: complaint triage with the registry's evidence beside each complaint. */
export function Regulator() {
  const { t } = useI18n();
  const [key, setKey] = useState('');
  const [signedIn, setSignedIn] = useState(false);
  // A session from earlier (the cookie survives a reload; the key was never stored).
  useEffect(() => {
    staffApi<StaffSession>('GET', '/api/regulator/session').then(
      (session) => (setStaffCsrfToken(session.csrfToken), setSignedIn(true)),
      () => undefined,
    );
  }, []);
  const [filter, setFilter] = useState({ verdict: '', status: '', province: '', brandCode: '', iysCode: '' });
  const provinces = useProvinces();
  const [complaints, setComplaints] = useState<RegulatorComplaint[]>([]);
  const [open, setOpen] = useState<RegulatorComplaint | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tab, setTab] = useState<
    | 'complaints'
    | 'applications'
    | 'dashboard'
    | 'brands'
    | 'alerts'
    | 'closures'
    | 'anomalies'
    | 'retention'
    | 'audit'
  >('complaints');

  // Only the newest filter's answer fills the list (see useLatestRequest).
  const latest = useLatestRequest();
  const load = useCallback(() => {
    const query = new URLSearchParams(Object.entries(filter).filter(([, v]) => v !== ''));
    return latest(
      () => staffApi<RegulatorComplaint[]>('GET', `/api/regulator/complaints?${query}`),
      (list) => {
        setComplaints(list);
        setOpen((current) => (current ? (list.find((c) => c.id === current.id) ?? null) : null));
      },
    );
  }, [latest, filter]);

  const signIn = async (event?: FormEvent) => {
    event?.preventDefault();
    setError(null);
    try {
      const session = await staffApi<StaffSession>('POST', '/api/regulator/session', { key });
      setStaffCsrfToken(session.csrfToken);
      setKey('');
      setSignedIn(true);
    } catch (failure) {
      setError(explain(failure, t) || t.staffKeyInvalid);
    }
  };
  useEffect(() => {
    if (signedIn) void load();
  }, [signedIn, load]);

  const decide = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!open) return;
    const form = new FormData(event.currentTarget);
    try {
      await staffApi('POST', `/api/regulator/complaints/${open.id}/decision`, {
        decision: form.get('decision'),
        note: String(form.get('note') ?? ''),
      });
      await load();
    } catch (failure) {
      setError(explain(failure, t));
    }
  };

  if (!signedIn) {
    return (
      <form className="card narrow" onSubmit={(e) => void signIn(e)} aria-labelledby="staff-title">
        <h1 id="staff-title">{t.regulatorConsole}</h1>
        <label htmlFor="staff-key">{t.staffKey}</label>
        <input
          id="staff-key"
          type="password"
          autoComplete="off"
          required
          value={key}
          onChange={(e) => setKey(e.target.value)}
        />
        <button type="submit">{t.signIn}</button>
        <p className="muted">{t.staffKeyHelp}</p>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
      </form>
    );
  }

  const tabNames: Array<[typeof tab, string]> = [
    ['complaints', t.complaintTriage],
    ['applications', t.applications],
    ['dashboard', t.dashboard],
    ['brands', t.brandModeration],
    ['alerts', t.gatewayAlerts],
    ['closures', t.lineClosures],
    ['anomalies', t.anomalies],
    ['retention', t.retention],
    ['audit', t.auditLog],
  ];
  const tabs = (
    <>
      <LogAuditBanner />
      <nav className="row" aria-label={t.regulatorConsole}>
        {tabNames.map(([id, label]) => (
          <button
            key={id}
            type="button"
            className={tab === id ? '' : 'secondary'}
            aria-pressed={tab === id}
            onClick={() => setTab(id)}
          >
            {label}
          </button>
        ))}
        <button
          type="button"
          className="secondary"
          onClick={() =>
            void staffApi('POST', '/api/regulator/sign-out').finally(
              () => (setStaffCsrfToken(''), setSignedIn(false)),
            )
          }
        >
          {t.signOut}
        </button>
      </nav>
    </>
  );
  const otherTab = {
    audit: AuditLog,
    alerts: GatewayAlerts,
    closures: LineClosures,
    anomalies: Anomalies,
    retention: Retention,
    brands: BrandModeration,
    dashboard: Dashboard,
    applications: Applications,
    complaints: null,
  }[tab];
  if (otherTab) {
    const Page = otherTab;
    return (
      <>
        {tabs}
        <Page />
      </>
    );
  }

  return (
    <section aria-labelledby="triage-title">
      {tabs}
      <h1 id="triage-title">{t.complaintTriage}</h1>
      <form className="card row" onSubmit={(e) => (e.preventDefault(), void load())} aria-label={t.filters}>
        <span>
          <label htmlFor="f-verdict">{t.verdictLabel}</label>
          <select
            id="f-verdict"
            value={filter.verdict}
            onChange={(e) => setFilter({ ...filter, verdict: e.target.value })}
          >
            <option value="">—</option>
            {Object.keys(t.verdict).map((v) => (
              <option key={v} value={v}>
                {t.verdict[v]}
              </option>
            ))}
          </select>
        </span>
        <span>
          <label htmlFor="f-status">{t.statusHeader}</label>
          <select
            id="f-status"
            value={filter.status}
            onChange={(e) => setFilter({ ...filter, status: e.target.value })}
          >
            <option value="">—</option>
            {Object.keys(t.complaintStatus).map((s) => (
              <option key={s} value={s}>
                {t.complaintStatus[s]}
              </option>
            ))}
          </select>
        </span>
        <span>
          <label htmlFor="f-province">{t.province}</label>
          <select
            id="f-province"
            value={filter.province}
            onChange={(e) => setFilter({ ...filter, province: e.target.value })}
          >
            <option value="">—</option>
            {provinces.map((p) => (
              <option key={p.code} value={p.code}>
                {p.name}
              </option>
            ))}
          </select>
        </span>
        <span>
          <label htmlFor="f-brand">{t.brandCode}</label>
          <input
            id="f-brand"
            inputMode="numeric"
            value={filter.brandCode}
            onChange={(e) => setFilter({ ...filter, brandCode: e.target.value })}
          />
        </span>
        <span>
          <label htmlFor="f-provider">{t.providerCode}</label>
          <input
            id="f-provider"
            inputMode="numeric"
            value={filter.iysCode}
            onChange={(e) => setFilter({ ...filter, iysCode: e.target.value })}
          />
        </span>
      </form>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="card table-wrap">
        <Table>
          <thead>
            <tr>
              <th scope="col">{t.receivedAt}</th>
              <th scope="col">{t.brand}</th>
              <th scope="col">{t.channelHeader}</th>
              <th scope="col">{t.verdictLabel}</th>
              <th scope="col">{t.statusHeader}</th>
            </tr>
          </thead>
          <tbody>
            {complaints.map((c) => (
              <tr key={c.id}>
                <td>
                  <button type="button" className="link" onClick={() => setOpen(c)}>
                    {c.receivedAt}
                  </button>
                </td>
                <td>
                  {c.brandName} <small>· {c.company}</small>
                </td>
                <td>{t.channel[c.type]}</td>
                <td>{t.verdict[c.verdict] ?? c.verdict}</td>
                <td>
                  <span className="badge">{t.complaintStatus[c.status] ?? c.status}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
        {complaints.length === 0 && <p>{t.noComplaintsFound}</p>}
      </div>
      {open && (
        <article className="card" aria-labelledby="complaint-detail">
          <h2 id="complaint-detail">
            {open.brandName}{' '}
            <small>
              · {open.company} ({open.iysCode})
            </small>
          </h2>
          <p>
            {t.channel[open.type]} · {open.receivedAt}
          </p>
          <h3>{t.citizenAccount}</h3>
          <blockquote>{open.messageText}</blockquote>
          {open.hasScreenshot && (
            <a href={`/api/regulator/complaints/${open.id}/screenshot`} target="_blank" rel="noopener">
              <img
                className="screenshot"
                src={`/api/regulator/complaints/${open.id}/screenshot`}
                alt={t.screenshotAlt}
              />
            </a>
          )}
          {open.decisionNote && (
            <p>
              <strong>{t.regulatorNote}</strong> <small>({open.decidedAt})</small>: {open.decisionNote}
            </p>
          )}
          {open.replies.length > 0 && (
            <>
              <h3>{t.citizenReplies}</h3>
              {open.replies.map((r, i) => (
                <blockquote key={i}>
                  <small>{r.at}</small> {r.text}
                </blockquote>
              ))}
            </>
          )}
          <h3>{t.evidence}</h3>
          <p className="verdict">{t.verdict[open.evidence.verdict] ?? open.evidence.verdict}</p>
          {open.evidence.inForce && (
            <p>
              {t.inForce}: <strong>{t.status[open.evidence.inForce.status]}</strong> (
              {open.evidence.inForce.source ?? '—'}, {open.evidence.inForce.consentDate})
              {open.evidence.graceEndsAt && ` · ${t.graceEnds}: ${open.evidence.graceEndsAt}`}
            </p>
          )}
          <ol className="history" aria-label={t.history}>
            {open.evidence.history.map((h, i) => (
              <li key={i}>
                {h.consentDate} — {t.status[h.status]} ({h.source ?? '—'})
              </li>
            ))}
          </ol>
          <h3>{t.companyAnswers}</h3>
          {open.answerDueAt && (
            <p>
              {t.answerDue}: {open.answerDueAt.slice(0, 10)}
            </p>
          )}
          {open.companyAnswers.length === 0 && <p>{t.noCompanyAnswer}</p>}
          {open.companyAnswers.map((a) => (
            <div key={a.at}>
              <blockquote>
                <small>
                  {a.at} · {a.by}
                </small>{' '}
                {a.text}
              </blockquote>
              <ul aria-label={t.evidenceHeader}>
                {a.evidence.map((e) => (
                  <li key={e.evidenceId}>
                    <EvidenceLink item={e} href={`/api/regulator/evidence/${e.evidenceId}`} />
                  </li>
                ))}
              </ul>
            </div>
          ))}
          <form onSubmit={(e) => void decide(e)}>
            <label htmlFor="decision">{t.decision}</label>
            <select id="decision" name="decision" defaultValue="upheld">
              {(['upheld', 'rejected', 'needs_information'] as const).map((d) => (
                <option key={d} value={d}>
                  {t.complaintStatus[d]}
                </option>
              ))}
            </select>
            <label htmlFor="note">{t.note}</label>
            <textarea id="note" name="note" rows={3} maxLength={2000} />
            <button type="submit">{t.saveDecision}</button>
          </form>
        </article>
      )}
    </section>
  );
}
