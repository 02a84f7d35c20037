import { useEffect, useState } from 'react';
import { api, type Consent } from '../api.js';
import { useI18n } from '../i18n.js';
import { useLatestRequest } from '../latest-request.js';

interface BrandOption {
  brandCode: number;
  name: string;
  company: string;
}

/**
 * The brand a complaint is about, chosen by name (a citizen never needs its code): the brands holding the
 * person's consents are offered at once, others are found by typing a part of the name.
 */
export function BrandPicker() {
  const { t } = useI18n();
  const [query, setQuery] = useState('');
  const [mine, setMine] = useState<BrandOption[]>([]);
  const [found, setFound] = useState<BrandOption[] | null>(null);
  useEffect(() => {
    void api<{ consents: Consent[] }>('GET', '/api/citizen/consents').then(({ consents }) =>
      setMine(
        [...new Map(consents.map((c) => [c.brandCode, c])).values()].map(
          ({ brandCode, brandName, company }) => ({ brandCode, name: brandName, company }),
        ),
      ),
    );
  }, []);
  const latest = useLatestRequest();
  useEffect(() => {
    const q = query.trim();
    // Clearing the search is the newest answer too: a search still on its way is then dropped.
    if (q.length < 2) return void latest(async () => null, setFound);
    // Asked once the typing pauses, not at every key.
    const timer = setTimeout(
      () =>
        void latest(
          () => api<BrandOption[]>('GET', `/api/citizen/brands?q=${encodeURIComponent(q)}`),
          setFound,
        ),
      250,
    );
    return () => clearTimeout(timer);
  }, [query, latest]);
  const options = found ?? mine;
  return (
    <>
      <label htmlFor="c-brand-search">{t.brandSearch}</label>
      <input
        id="c-brand-search"
        type="search"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        aria-describedby="c-brand-search-hint"
        autoComplete="off"
      />
      <small id="c-brand-search-hint">{t.brandSearchHint}</small>
      <label htmlFor="c-brand">{t.brandChoice}</label>
      <select id="c-brand" name="brandCode" required key={options.map((o) => o.brandCode).join()}>
        {options.map((b) => (
          <option key={b.brandCode} value={b.brandCode}>
            {b.name} — {b.company}
          </option>
        ))}
      </select>
      {found?.length === 0 && <p className="muted">{t.noBrandFound}</p>}
    </>
  );
}
