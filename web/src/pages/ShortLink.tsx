import { useCallback, useEffect, useState } from 'react';
import { explain } from '../errors.js';
import { api, type ShortLinkView } from '../api.js';
import { useI18n } from '../i18n.js';

/** `/r/<token>`: the consents a notice was about, each refusable with one tap, without signing in. */
export function ShortLink({ token }: { token: string }) {
  const { t } = useI18n();
  const [view, setView] = useState<ShortLinkView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [receiptUrl, setReceiptUrl] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setView(await api<ShortLinkView>('GET', `/api/short-links/${encodeURIComponent(token)}`));
    } catch (failure) {
      setError(explain(failure, t));
    }
  }, [token]);
  useEffect(() => void load(), [load]);

  const reject = async (eventId: string) => {
    try {
      const refused = await api<{ receiptUrl: string }>(
        'POST',
        `/api/short-links/${encodeURIComponent(token)}/reject`,
        { eventId },
      );
      setReceiptUrl(new URL(refused.receiptUrl).pathname);
      await load();
    } catch (failure) {
      setError(explain(failure, t));
    }
  };

  if (error && !view) {
    return (
      <section className="card narrow">
        <h1>{t.shortLinkTitle}</h1>
        <p className="error" role="alert">
          {error}
        </p>
      </section>
    );
  }
  if (!view) return <p aria-busy="true">{t.loading}</p>;
  return (
    <section className="card narrow" aria-labelledby="short-link-title">
      <h1 id="short-link-title">{t.shortLinkTitle}</h1>
      <p>{t.shortLinkIntro(view.address)}</p>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {receiptUrl && (
        <p role="status">
          <a href={receiptUrl}>{t.receiptLinkAfterReject}</a>
        </p>
      )}
      <ul className="plain">
        {view.items.map((item) => (
          <li key={item.eventId} className="short-link-item">
            <div>
              <strong>{item.brandName}</strong> <small>· {item.company}</small>
              <br />
              {t.channel[item.type]} · {item.consentDate} ·{' '}
              <span className={`badge ${item.status === 'ONAY' ? 'on' : 'off'}`}>
                {t.status[item.status]}
              </span>
            </div>
            {item.canReject ? (
              <button type="button" className="danger big" onClick={() => void reject(item.eventId)}>
                {t.reject}
              </button>
            ) : (
              <span>{item.status === 'RET' ? t.rejected : t.linkSpent}</span>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
