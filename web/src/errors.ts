import { ApiFailure } from './api.js';
import type { Texts } from './i18n.js';

/** What went wrong, in the interface's language: each İYS error in plain words where we have them. */
export function explain(failure: unknown, t: Pick<Texts, 'plainErrors'>): string {
  if (!(failure instanceof ApiFailure)) return failure instanceof Error ? failure.message : String(failure);
  return failure.errors.map((error) => t.plainErrors[error.code] ?? error.message).join(' ');
}
