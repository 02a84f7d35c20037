import { useCallback, useEffect, useMemo, useState } from 'react';
import { api, setCsrfToken, type Address } from './api.js';
import { I18n, TEXTS, type Language } from './i18n.js';
import { Apply } from './pages/Apply.js';
import { Complaints } from './pages/Complaints.js';
import { MyConsents } from './pages/MyConsents.js';
import { ShortLink } from './pages/ShortLink.js';
import { ProviderArea } from './pages/ProviderArea.js';
import { Regulator } from './pages/Regulator.js';
import { SignIn } from './pages/SignIn.js';
import { Transparency } from './pages/Transparency.js';
import { VerifyReceipt } from './pages/VerifyReceipt.js';
import { navigate, usePath } from './router.js';

export interface Session {
  addresses: Address[];
}

export function App() {
  const [language, setLanguage] = useState<Language>(() =>
    localStorage.getItem('language') === 'en' ? 'en' : 'tr',
  );
  const t = TEXTS[language];
  const path = usePath();
  const [session, setSession] = useState<Session | null | undefined>(undefined);

  useEffect(() => {
    document.documentElement.lang = language;
    localStorage.setItem('language', language);
  }, [language]);

  const refreshSession = useCallback(async () => {
    try {
      const current = await api<{ csrfToken: string; addresses: Address[] }>('GET', '/api/citizen/session');
      setCsrfToken(current.csrfToken);
      setSession({ addresses: current.addresses });
    } catch {
      setSession(null);
    }
  }, []);
  useEffect(() => void refreshSession(), [refreshSession]);

  const signOut = async () => {
    await api('POST', '/api/citizen/sign-out').catch(() => {});
    setSession(null);
    navigate('/');
  };

  const i18n = useMemo(() => ({ t, language, setLanguage }), [t, language]);
  const shortLink = /^\/r\/([^/]+)$/.exec(path);
  const receiptLink = /^\/makbuz\/([^/]+)$/.exec(path);

  let page;
  if (shortLink) page = <ShortLink token={shortLink[1]!} />;
  else if (receiptLink) page = <VerifyReceipt token={receiptLink[1]!} />;
  else if (path === '/dogrula')
    page = (
      <VerifyReceipt transactionId={new URLSearchParams(window.location.search).get('islem') ?? undefined} />
    );
  else if (path === '/seffaflik') page = <Transparency />;
  else if (path === '/kurul') page = <Regulator />;
  else if (path === '/basvuru') page = <Apply />;
  else if (path === '/firma' || path.startsWith('/firma/')) page = <ProviderArea path={path} />;
  else if (session === undefined) page = <p aria-busy="true">{t.loading}</p>;
  else if (session === null) page = <SignIn onSignedIn={refreshSession} />;
  else if (path === '/sikayetler') page = <Complaints session={session} />;
  else page = <MyConsents session={session} onChanged={refreshSession} />;

  return (
    <I18n.Provider value={i18n}>
      <header className="top">
        <a className="brand" href="/" onClick={(e) => (e.preventDefault(), navigate('/'))}>
          <span aria-hidden="true">✉</span> {t.appName}
        </a>
        <nav aria-label="Ana menü">
          {session && !shortLink && (
            <>
              <a
                href="/izinlerim"
                aria-current={path !== '/sikayetler' ? 'page' : undefined}
                onClick={(e) => (e.preventDefault(), navigate('/izinlerim'))}
              >
                {t.myConsents}
              </a>
              <a
                href="/sikayetler"
                aria-current={path === '/sikayetler' ? 'page' : undefined}
                onClick={(e) => (e.preventDefault(), navigate('/sikayetler'))}
              >
                {t.complaints}
              </a>
              <button type="button" className="link" onClick={signOut}>
                {t.signOut}
              </button>
            </>
          )}
          <a
            href="/firma"
            aria-current={path.startsWith('/firma') ? 'page' : undefined}
            onClick={(e) => (e.preventDefault(), navigate('/firma'))}
          >
            {t.portalNav}
          </a>
          <a
            href="/seffaflik"
            aria-current={path === '/seffaflik' ? 'page' : undefined}
            onClick={(e) => (e.preventDefault(), navigate('/seffaflik'))}
          >
            {t.transparency}
          </a>
          <button
            type="button"
            className="link"
            lang={language === 'tr' ? 'en' : 'tr'}
            onClick={() => setLanguage(language === 'tr' ? 'en' : 'tr')}
          >
            {t.switchLanguage}
          </button>
        </nav>
      </header>
      <main id="main">{page}</main>
      <footer className="foot">openiys · {t.tagline}</footer>
    </I18n.Provider>
  );
}
