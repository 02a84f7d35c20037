import { ApiFailure } from '../../api.js';
import { useI18n } from '../../i18n.js';

/** Whether the server asks for the second factor (H951): the form then shows the field below. */
export const asksForSecondFactor = (failure: unknown) =>
  failure instanceof ApiFailure && failure.errors[0]?.code === 'H951';

/** The app's 6-digit code or a recovery code, wherever a password alone is not enough. */
export function SecondFactorField({ id }: { id: string }) {
  const { t } = useI18n();
  return (
    <>
      <label htmlFor={id}>{t.codeOrRecoveryLabel}</label>
      <input id={id} name="code" autoComplete="one-time-code" maxLength={16} required autoFocus />
    </>
  );
}
