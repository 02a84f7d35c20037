/**
 * A value computed at most once per `periodMs`, however many ask: callers within the period get the last
 * result, and callers after it share one computation in flight. A failed computation is not kept, so the
 * next caller tries again.
 */
export function computedOncePer<T>(
  periodMs: number,
  compute: () => Promise<T>,
  clock: () => Date,
): () => Promise<T> {
  let last: { at: number; value: T } | undefined;
  let computing: Promise<T> | undefined;
  return () => {
    if (last && clock().getTime() - last.at < periodMs) return Promise.resolve(last.value);
    computing ??= compute().then(
      (value) => {
        last = { at: clock().getTime(), value };
        computing = undefined;
        return value;
      },
      (error: unknown) => {
        computing = undefined;
        throw error;
      },
    );
    return computing;
  };
}
