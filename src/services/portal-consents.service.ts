import { RECIPIENT_TYPES } from '../domain/consent.js';
import { isPlainObject } from '../domain/consent-input.js';
import { normaliseTypedPhone } from '../domain/recipient.js';
import type { ConsentService } from './consent.service.js';
import type { PortalSession } from './portal-account.service.js';
import type { ProviderPortalService } from './provider-portal.service.js';
import type { ReconciliationService } from './reconciliation.service.js';

/**
 * The portal's consent desk, for companies without an IT team: record one consent exactly as the API's
 * single add does (same rules, same log, same notices; the number may be typed as people write it), and
 * reconcile a day exactly as the API's mutabakat does.
 */
export function createPortalConsentService(deps: {
  providerPortal: ProviderPortalService;
  consents: ConsentService;
  reconciliation: ReconciliationService;
}) {
  const { providerPortal, consents, reconciliation } = deps;
  return {
    async record(session: PortalSession, brandCode: string, body: unknown) {
      const scope = await providerPortal.brandScope(session, brandCode);
      const typed = isPlainObject(body) ? { ...body, recipient: normaliseTypedPhone(body.recipient) } : body;
      return consents.addConsent(scope, { kind: 'provider', id: `portal:${session.userId}` }, typed);
    },

    /** The day's movements per channel and source, for both recipient types. */
    async daySummary(session: PortalSession, brandCode: string, reportDate: string) {
      const scope = await providerPortal.brandScope(session, brandCode);
      const [BIREYSEL, TACIR] = await Promise.all(
        RECIPIENT_TYPES.map(
          async (type) => (await reconciliation.summary(scope, reportDate, type)).changeStats,
        ),
      );
      return { reportDate, BIREYSEL: BIREYSEL!, TACIR: TACIR! };
    },

    async dayFile(session: PortalSession, brandCode: string, reportDate: string) {
      const scope = await providerPortal.brandScope(session, brandCode);
      return reconciliation.movementFile(scope, reportDate);
    },
  };
}

export type PortalConsentService = ReturnType<typeof createPortalConsentService>;
