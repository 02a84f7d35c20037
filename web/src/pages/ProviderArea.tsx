import { useCallback, useEffect, useState } from 'react';
import { portalApi, setPortalCsrfToken } from '../api.js';
import { useI18n } from '../i18n.js';
import { Portal, type PortalSession } from './Portal.js';
import { PortalInvitation } from './PortalInvitation.js';
import { PortalPasswordReset } from './PortalPasswordReset.js';
import { PortalSignIn } from './PortalSignIn.js';

/** /firma…: the invitation page, the sign-in, or the portal, depending on the portal session. */
export function ProviderArea({ path }: { path: string }) {
  const { t } = useI18n();
  const [session, setSession] = useState<PortalSession | null | undefined>(undefined);
  const refresh = useCallback(async () => {
    try {
      const current = await portalApi<PortalSession & { csrfToken: string }>('GET', '/api/portal/session');
      setPortalCsrfToken(current.csrfToken);
      setSession(current);
    } catch {
      setSession(null);
    }
  }, []);
  useEffect(() => void refresh(), [refresh]);

  if (path === '/firma/davet') return <PortalInvitation onSignedIn={refresh} />;
  // A reset link carries its token in the fragment; without one, the page asks for a link.
  if (path === '/firma/parola')
    return window.location.hash.length > 1 ? (
      <PortalInvitation onSignedIn={refresh} reset />
    ) : (
      <PortalPasswordReset />
    );
  if (session === undefined) return <p aria-busy="true">{t.loading}</p>;
  if (session === null) return <PortalSignIn onSignedIn={refresh} />;
  return <Portal session={session} onChanged={refresh} />;
}
