import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { explain } from '../errors.js';
import {
  currentHeadExtending,
  verifyLogReceipt,
  type LogKey,
  type ReceiptVerdict,
  type SignedHead,
} from '../../../src/crypto/log-verify.js';
import { api } from '../api.js';
import { SourceLabel } from '../components/SourceLabel.js';
import { useI18n } from '../i18n.js';

/** What a citizen downloads: the receipt and its ISO/IEC TS 27560-style record (a provider's has no record). */
interface Download {
  receipt: { treeSize: number; sth: SignedHead; transactionId: string };
  record?: {
    piiPrincipal: { address: string };
    piiController: { name: string; brand: string; brandCode: number };
    channel: string;
    state: 'given' | 'withdrawn';
    consentDate: string;
    recordedAt: string;
    source: string | null;
    proof: { leafIndex: number; treeSize: number };
  };
}

interface Checked {
  download: Download;
  verdict: ReceiptVerdict;
  /** Whether today's signed head still extends the receipt's (undefined: not asked, or no valid head). */
  stillInLog?: boolean;
}

const getJson = async (url: string) => {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response.json();
};

/**
 * Checks a receipt against the published keys with the very code the CLI runs (src/crypto/log-verify.ts),
 * then asks the log for a consistency proof from the receipt's head to today's: a registry that rewrote
 * history after issuing the receipt cannot give one.
 */
async function check(value: unknown): Promise<Checked> {
  const { keys } = (await getJson('/log/v1/keys')) as { keys: LogKey[] };
  const verdict = await verifyLogReceipt(value, keys);
  const download = (
    typeof value === 'object' && value !== null && 'receipt' in value ? value : { receipt: value }
  ) as Download;
  if (!verdict.ok) return { download, verdict };
  const today = await currentHeadExtending(download.receipt.sth, keys, getJson);
  return { download, verdict, stillInLog: today.ok };
}

function saveAs(download: Download) {
  const blob = new Blob([JSON.stringify(download, null, 2)], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = `iys-makbuz-${download.receipt.transactionId.slice(0, 12)}.json`;
  a.click();
  URL.revokeObjectURL(url);
}

function ReceiptCard({ checked }: { checked: Checked }) {
  const { t, language } = useI18n();
  const { download, verdict, stillInLog } = checked;
  const record = download.record;
  return (
    <article className="card" aria-label={t.receipt} data-testid="receipt-result">
      <h2 className={verdict.ok && stillInLog !== false ? 'ok' : 'error'} role="status">
        {verdict.ok && stillInLog !== false ? `✓ ${t.receiptValid}` : `✗ ${t.receiptInvalid}`}
      </h2>
      {record && (
        <dl className="record">
          <dt>{t.recordFields.who}</dt>
          <dd>{record.piiPrincipal.address}</dd>
          <dt>{t.recordFields.controller}</dt>
          <dd>
            {record.piiController.name} · {record.piiController.brand} ({record.piiController.brandCode})
          </dd>
          <dt>{t.recordFields.what}</dt>
          <dd>
            {t.channel[record.channel]} ·{' '}
            <strong>{record.state === 'withdrawn' ? t.withdrawn : t.given}</strong>
          </dd>
          <dt>{t.recordFields.when}</dt>
          <dd>{new Date(record.consentDate).toLocaleString()}</dd>
          <dt>{t.recordFields.recordedAt}</dt>
          <dd>{new Date(record.recordedAt).toLocaleString()}</dd>
          <dt>{t.recordFields.source}</dt>
          <dd>
            <SourceLabel code={record.source} />
          </dd>
          <dt>{t.recordFields.proof}</dt>
          <dd>
            {record.proof.leafIndex} / {record.proof.treeSize}
          </dd>
        </dl>
      )}
      <ul className="plain checks">
        {verdict.checks.map((c) => (
          <li key={c.name} className={c.ok ? 'ok' : 'error'}>
            {c.ok ? '✓' : '✗'} {t.checkNames[c.name]}{' '}
            {/* The verifier's details are English (the CLI prints them too): in Turkish, what failed in words. */}
            <small>{language === 'en' ? c.detail : c.ok ? '' : t.checkFailed[c.name]}</small>
          </li>
        ))}
        {stillInLog !== undefined && (
          <li className={stillInLog ? 'ok' : 'error'}>
            {stillInLog ? `✓ ${t.stillInLog}` : `✗ ${t.notInLog}`}
          </li>
        )}
      </ul>
      <button type="button" className="secondary" onClick={() => saveAs(download)}>
        {t.downloadReceipt}
      </button>
    </article>
  );
}

/**
 * `/dogrula`: a receipt from a file or pasted; `/dogrula?islem=<transactionId>`: a signed-in citizen's own;
 * `/makbuz/<token>`: the receipts a refusal's confirmation links to. Each is verified here, in the browser.
 */
export function VerifyReceipt({ token, transactionId }: { token?: string; transactionId?: string }) {
  const { t } = useI18n();
  const [results, setResults] = useState<Checked[]>([]);
  const [pending, setPending] = useState(false);
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);

  const run = useCallback(async (values: unknown[]) => {
    setError(null);
    setResults(await Promise.all(values.map(check)));
  }, []);

  useEffect(() => {
    if (!token && !transactionId) return;
    let stopped = false;
    const load = async () => {
      try {
        const body = token
          ? await api<{ receipts: unknown[]; pending: number }>(
              'GET',
              `/api/receipts/${encodeURIComponent(token)}`,
            )
          : await api<Record<string, unknown>>(
              'GET',
              `/api/citizen/receipts/${encodeURIComponent(transactionId!)}`,
            );
        const found = token ? (body as { receipts: unknown[] }).receipts : 'receipt' in body ? [body] : [];
        const waiting = token ? (body as { pending: number }).pending > 0 : found.length === 0;
        if (stopped) return;
        setPending(waiting);
        await run(found);
        // A movement is in a signed head within about a second of being recorded.
        if (waiting) setTimeout(() => void load(), 1000);
      } catch (failure) {
        if (!stopped) setError(explain(failure, t));
      }
    };
    void load();
    return () => {
      stopped = true;
    };
  }, [token, transactionId, run]);

  const verifyText = async (content: string) => {
    try {
      await run([JSON.parse(content)]);
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    }
  };
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void verifyText(text);
  };

  return (
    <section aria-labelledby="verify-title">
      <h1 id="verify-title">{t.verifyTitle}</h1>
      <p>{t.verifyIntro}</p>
      {!token && !transactionId && (
        <form className="card" onSubmit={onSubmit}>
          <label htmlFor="receipt-file">{t.verifyFile}</label>
          <input
            id="receipt-file"
            type="file"
            accept="application/json,.json"
            onChange={(e) =>
              void e.target.files?.[0]?.text().then((content) => (setText(content), verifyText(content)))
            }
          />
          <label htmlFor="receipt-text">{t.verifyPaste}</label>
          <textarea id="receipt-text" rows={6} value={text} onChange={(e) => setText(e.target.value)} />
          <button type="submit">{t.verifyButton}</button>
        </form>
      )}
      {pending && <p aria-busy="true">{t.receiptPending}</p>}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {results.map((checked, i) => (
        <ReceiptCard key={i} checked={checked} />
      ))}
    </section>
  );
}
