import { Table } from '../components/Table.js';
import { explain } from '../errors.js';
import { readableAddress } from '../phone.js';
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { api, type Consent, type HistoryEntry } from '../api.js';
import type { Session } from '../App.js';
import { useI18n } from '../i18n.js';
import { navigate } from '../router.js';
import { SourceLabel } from '../components/SourceLabel.js';

const CHANNELS = ['MESAJ', 'ARAMA', 'EPOSTA'] as const;

/** Every consent held for each verified address, grouped by brand, with changes one tap away. */
export function MyConsents({ session, onChanged }: { session: Session; onChanged: () => Promise<void> }) {
  const { t } = useI18n();
  const [consents, setConsents] = useState<Consent[] | null>(null);
  const [notice, setNotice] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);

  const load = useCallback(async () => {
    setConsents((await api<{ consents: Consent[] }>('GET', '/api/citizen/consents')).consents);
  }, []);
  useEffect(() => void load(), [load, session]);

  const act = async (action: () => Promise<string>) => {
    try {
      setNotice({ kind: 'ok', text: await action() });
      await load();
    } catch (failure) {
      setNotice({ kind: 'error', text: explain(failure, t) });
    }
  };

  const change = (c: Consent, status: 'ONAY' | 'RET') =>
    act(async () => {
      await api('POST', '/api/citizen/consents/change', {
        addressId: c.addressId,
        brandCode: c.brandCode,
        recipientType: c.recipientType,
        type: c.type,
        status,
      });
      return t.changed;
    });

  const rejectAll = (addressId: string, address: string, type: string) => {
    if (!window.confirm(t.confirmRejectAll(t.channel[type] ?? type, address))) return;
    void act(async () =>
      t.rejectedCount(
        (await api<{ rejected: number }>('POST', '/api/citizen/consents/reject-all', { addressId, type }))
          .rejected,
      ),
    );
  };

  const removeAddress = (addressId: string, address: string) => {
    if (!window.confirm(t.confirmRemoveAddress(address))) return;
    void act(async () => {
      await api('DELETE', `/api/citizen/addresses/${encodeURIComponent(addressId)}`);
      await onChanged();
      return t.addressRemoved;
    });
  };

  const erase = (addressId: string, address: string) => {
    if (!window.confirm(t.confirmErase(address))) return;
    void act(async () => {
      const result = await api<{ erased: boolean; keptUntil: string | null }>(
        'POST',
        `/api/citizen/addresses/${encodeURIComponent(addressId)}/erase`,
      );
      await onChanged();
      return result.erased ? t.erased : t.erasedExceptRefusals(result.keptUntil?.slice(0, 10) ?? '');
    });
  };

  if (consents === null) return <p aria-busy="true">{t.loading}</p>;
  return (
    <section aria-labelledby="consents-title">
      <div className="title-row">
        <h1 id="consents-title">{t.myConsents}</h1>
        <span className="downloads">
          {t.download}: <a href="/api/citizen/export?format=json">JSON</a> ·{' '}
          <a href="/api/citizen/export?format=csv">CSV</a>
        </span>
      </div>
      {notice && (
        <p
          className={notice.kind === 'ok' ? 'success' : 'error'}
          role={notice.kind === 'ok' ? 'status' : 'alert'}
        >
          {notice.text}
        </p>
      )}
      {session.addresses.map((address) => {
        const shown = readableAddress(address.address);
        const mine = consents.filter((c) => c.addressId === address.id);
        const brands = [...new Map(mine.map((c) => [c.brandCode, c])).values()];
        const channels = CHANNELS.filter((type) => mine.some((c) => c.type === type && c.status === 'ONAY'));
        return (
          <article className="card" key={address.id} aria-label={shown}>
            <header className="title-row">
              <h2>{shown}</h2>
              <span className="row">
                {channels.map((type) => (
                  <button
                    key={type}
                    type="button"
                    className="danger"
                    onClick={() => rejectAll(address.id, shown, type)}
                  >
                    {t.rejectAll(t.channel[type] ?? type)}
                  </button>
                ))}
                {/* The last address is how the person signs in: it stays. */}
                {session.addresses.length > 1 && (
                  <button
                    type="button"
                    className="secondary"
                    aria-label={`${t.removeAddress}: ${shown}`}
                    onClick={() => removeAddress(address.id, shown)}
                  >
                    {t.removeAddress}
                  </button>
                )}
                {/* KVKK erasure: only an address holding no ONAY (refuse first). */}
                {channels.length === 0 && (
                  <button
                    type="button"
                    className="secondary"
                    aria-label={`${t.eraseAddress}: ${shown}`}
                    onClick={() => erase(address.id, shown)}
                  >
                    {t.eraseAddress}
                  </button>
                )}
              </span>
            </header>
            {brands.length === 0 && <p>{t.noConsents}</p>}
            {brands.map((brand) => (
              <BrandConsents
                key={brand.brandCode}
                rows={mine.filter((c) => c.brandCode === brand.brandCode)}
                onChange={change}
              />
            ))}
          </article>
        );
      })}
      <AddAddress
        onAdded={async () => (await onChanged(), setNotice({ kind: 'ok', text: t.addressAdded }))}
      />
    </section>
  );
}

function BrandConsents({
  rows,
  onChange,
}: {
  rows: Consent[];
  onChange: (c: Consent, status: 'ONAY' | 'RET') => Promise<void>;
}) {
  const { t } = useI18n();
  const [history, setHistory] = useState<HistoryEntry[] | null>(null);
  const first = rows[0]!;
  const toggleHistory = async () =>
    setHistory(
      history
        ? null
        : await api<HistoryEntry[]>(
            'GET',
            `/api/citizen/consents/history?addressId=${first.addressId}&brandCode=${first.brandCode}`,
          ),
    );
  return (
    <div className="brand-block">
      <h3>
        {first.brandName} <small>· {first.company}</small>
      </h3>
      <div className="table-wrap">
        <Table>
          <thead>
            <tr>
              <th scope="col">{t.channelHeader}</th>
              <th scope="col">{t.statusHeader}</th>
              <th scope="col">{t.source}</th>
              <th scope="col">{t.consentDate}</th>
              <th scope="col">{t.lastChange}</th>
              <th scope="col">
                <span className="visually-hidden">{t.actions}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((c) => (
              <tr key={`${c.type}-${c.recipientType}`} data-testid={`consent-${c.brandCode}-${c.type}`}>
                <td>
                  {t.channel[c.type]} {c.recipientType === 'TACIR' && <small>({t.tacir})</small>}
                </td>
                <td>
                  <span className={`badge ${c.status === 'ONAY' ? 'on' : 'off'}`}>{t.status[c.status]}</span>
                </td>
                <td>
                  <SourceLabel code={c.source} />
                </td>
                <td>{c.consentDate}</td>
                <td>{c.lastChange}</td>
                <td>
                  {c.status === 'ONAY' ? (
                    <button type="button" className="danger" onClick={() => void onChange(c, 'RET')}>
                      {t.reject}
                    </button>
                  ) : (
                    <button type="button" className="secondary" onClick={() => void onChange(c, 'ONAY')}>
                      {t.approve}
                    </button>
                  )}{' '}
                  <ReceiptLink
                    transactionId={c.transactionId}
                    label={t.receiptOf(`${c.brandName} ${t.channel[c.type]}`)}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
      </div>
      <button
        type="button"
        className="link"
        aria-expanded={history !== null}
        onClick={() => void toggleHistory()}
      >
        {history ? t.hideHistory : t.history}
      </button>
      {history && (
        <ol className="history">
          {history.map((h, i) => (
            <li key={i}>
              {h.creationDate} — {t.channel[h.type]}: <strong>{t.status[h.status]}</strong> (
              <SourceLabel code={h.source} />){' '}
              <ReceiptLink
                transactionId={h.transactionId}
                label={t.receiptOf(`${h.brandName} ${h.creationDate}`)}
              />
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}

/** Opens the movement's receipt in the verifier page (which checks it in the browser and offers the file). */
function ReceiptLink({ transactionId, label }: { transactionId: string; label: string }) {
  const { t } = useI18n();
  const href = `/dogrula?islem=${transactionId}`;
  return (
    <a href={href} aria-label={label} onClick={(e) => (e.preventDefault(), navigate(href))}>
      {t.receipt}
    </a>
  );
}

function AddAddress({ onAdded }: { onAdded: () => Promise<void> }) {
  const { t } = useI18n();
  const [address, setAddress] = useState('');
  const [challenge, setChallenge] = useState<string | null>(null);
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    try {
      if (challenge === null) {
        setChallenge(
          (await api<{ challengeId: string }>('POST', '/api/citizen/addresses', { address: address.trim() }))
            .challengeId,
        );
      } else {
        await api('POST', '/api/citizen/addresses/verify', { challengeId: challenge, code: code.trim() });
        setChallenge(null);
        setAddress('');
        setCode('');
        await onAdded();
      }
    } catch (failure) {
      setError(explain(failure, t));
    }
  };
  return (
    <form className="card" onSubmit={(e) => void submit(e)} aria-labelledby="add-address-title">
      <h2 id="add-address-title">{t.addAddress}</h2>
      {challenge === null ? (
        <>
          <label htmlFor="new-address">{t.addressLabel}</label>
          <input
            id="new-address"
            required
            value={address}
            onChange={(e) => setAddress(e.target.value)}
            aria-describedby="new-address-hint"
          />
          <small id="new-address-hint">{t.addressHint}</small>
        </>
      ) : (
        <>
          <p role="status">{t.codeSentTo(address)}</p>
          <label htmlFor="new-address-code">{t.codeLabel}</label>
          <input
            id="new-address-code"
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={6}
            required
            value={code}
            onChange={(e) => setCode(e.target.value)}
          />
        </>
      )}
      <button type="submit">{challenge === null ? t.sendCode : t.verify}</button>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
