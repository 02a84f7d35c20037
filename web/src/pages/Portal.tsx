import { useEffect, useState } from 'react';
import { portalApi } from '../api.js';
import { useI18n } from '../i18n.js';
import { ApiUsers } from './portal/ApiUsers.js';
import { Complaints } from './portal/Complaints.js';
import { Brands } from './portal/Brands.js';
import { ConsentEntry } from './portal/ConsentEntry.js';
import { ConsentSearch } from './portal/ConsentSearch.js';
import { Reconciliation } from './portal/Reconciliation.js';
import { Integrators } from './portal/Integrators.js';
import { RetailerConsents } from './portal/RetailerConsents.js';
import { Retailers } from './portal/Retailers.js';
import { Uploads } from './portal/Uploads.js';
import { Webhooks } from './portal/Webhooks.js';
import { Security } from './portal/Security.js';
import { Users } from './portal/Users.js';

export interface PortalSession {
  name: string;
  role: 'admin' | 'operator' | 'readonly';
  iysCode: number;
  providerTitle: string;
  totpEnabled: boolean;
  retailer: { code: number; title: string } | null;
}

type Tab =
  | 'brands'
  | 'entry'
  | 'reconciliation'
  | 'search'
  | 'uploads'
  | 'complaints'
  | 'retailers'
  | 'webhooks'
  | 'integrators'
  | 'apiUsers'
  | 'users'
  | 'security';

/** The provider portal: one company's brands, consents, credentials and colleagues. */
export function Portal({ session, onChanged }: { session: PortalSession; onChanged: () => Promise<void> }) {
  const { t } = useI18n();
  const [tab, setTab] = useState<Tab>('brands');
  const [brands, setBrands] = useState<Array<{ brandCode: number; name: string }>>([]);
  useEffect(() => {
    if (!session.retailer) void portalApi<typeof brands>('GET', '/api/portal/brands').then(setBrands);
  }, [session.retailer, tab]);
  const isAdmin = session.role === 'admin';
  const tabs: Array<[Tab, string]> = [
    ['brands', t.overview],
    ...(session.role !== 'readonly' ? ([['entry', t.consentEntry]] as Array<[Tab, string]>) : []),
    ['search', t.searchConsents],
    ['reconciliation', t.reconciliation],
    ['uploads', t.uploads],
    ['complaints', t.companyComplaints],
    ['retailers', t.retailers],
    ['webhooks', t.webhooks],
    ['integrators', t.integrators],
    ...(isAdmin
      ? ([
          ['apiUsers', t.apiUsers],
          ['users', t.portalUsers],
        ] as Array<[Tab, string]>)
      : []),
    ['security', t.security],
  ];
  const signOut = async () => {
    await portalApi('POST', '/api/portal/sign-out').catch(() => {});
    await onChanged();
  };

  if (session.retailer) {
    return (
      <section aria-labelledby="portal-title">
        <div className="title-row">
          <h1 id="portal-title">
            {session.retailer.title} <small>· {session.providerTitle}</small>
          </h1>
          <button type="button" className="link" onClick={() => void signOut()}>
            {t.signOut} ({session.name})
          </button>
        </div>
        <RetailerConsents title={session.retailer.title} />
      </section>
    );
  }

  return (
    <section aria-labelledby="portal-title">
      <div className="title-row">
        <h1 id="portal-title">
          {session.providerTitle} <small>· İYS {session.iysCode}</small>
        </h1>
        <button type="button" className="link" onClick={() => void signOut()}>
          {t.signOut} ({session.name})
        </button>
      </div>
      <nav className="row" aria-label={t.portalNav}>
        {tabs.map(([id, label]) => (
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
      </nav>
      {tab === 'brands' && <Brands isAdmin={isAdmin} />}
      {tab === 'entry' && brands.length > 0 && <ConsentEntry brands={brands} />}
      {tab === 'search' && <ConsentSearch />}
      {tab === 'reconciliation' && brands.length > 0 && <Reconciliation brands={brands} />}
      {tab === 'retailers' && brands.length > 0 && <Retailers brands={brands} isAdmin={isAdmin} />}
      {tab === 'uploads' && brands.length > 0 && (
        <Uploads brands={brands} canUpload={session.role !== 'readonly'} />
      )}
      {tab === 'complaints' && <Complaints canWrite={session.role !== 'readonly'} isAdmin={isAdmin} />}
      {tab === 'webhooks' && brands.length > 0 && <Webhooks brands={brands} isAdmin={isAdmin} />}
      {tab === 'integrators' && brands.length > 0 && <Integrators brands={brands} isAdmin={isAdmin} />}
      {tab === 'apiUsers' && <ApiUsers />}
      {tab === 'users' && <Users />}
      {tab === 'security' && <Security totpEnabled={session.totpEnabled} onChanged={onChanged} />}
    </section>
  );
}
