import { useCallback, useState } from 'react';
import { ApiFailure } from '../../api.js';

/** Runs a portal action, keeping its error message for an alert; returns whether it succeeded. */
export function useAction(): [string | null, (action: () => Promise<void>) => Promise<boolean>] {
  const [error, setError] = useState<string | null>(null);
  // Stable across renders, so effects may depend on it.
  const run = useCallback(async (action: () => Promise<void>) => {
    setError(null);
    try {
      await action();
      return true;
    } catch (failure) {
      setError(failure instanceof ApiFailure ? failure.message : String(failure));
      return false;
    }
  }, []);
  return [error, run];
}

export function ErrorAlert({ error }: { error: string | null }) {
  return error ? (
    <p className="error" role="alert">
      {error}
    </p>
  ) : null;
}
