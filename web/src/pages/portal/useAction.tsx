import { useCallback, useState } from 'react';
import { explain } from '../../errors.js';
import { useI18n } from '../../i18n.js';

/** Runs a portal action, keeping its error message for an alert; returns whether it succeeded. */
export function useAction(): [string | null, (action: () => Promise<void>) => Promise<boolean>] {
  const { t } = useI18n();
  const [error, setError] = useState<string | null>(null);
  // Stable across renders (per language), so effects may depend on it.
  const run = useCallback(
    async (action: () => Promise<void>) => {
      setError(null);
      try {
        await action();
        return true;
      } catch (failure) {
        setError(explain(failure, t));
        return false;
      }
    },
    [t],
  );
  return [error, run];
}

export function ErrorAlert({ error }: { error: string | null }) {
  return error ? (
    <p className="error" role="alert">
      {error}
    </p>
  ) : null;
}
