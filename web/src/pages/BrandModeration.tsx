import { useState, type FormEvent } from 'react';
import { staffApi } from '../api.js';
import { useI18n } from '../i18n.js';
import { ErrorAlert, useAction } from './portal/useAction.js';

interface BrandState {
  brandCode: number;
  name: string;
  blocked: boolean;
}

type Action = 'rename' | 'block' | 'unblock';

/**
 * The regulator's hand on brand names the registry sends in its own messages: rename a misleading one, or
 * block a brand (no new ONAY, no notice naming it) until the matter is settled. Every step needs a reason
 * and lands in the audit log.
 */
export function BrandModeration() {
  const { t } = useI18n();
  const [action, setAction] = useState<Action>('rename');
  const [done, setDone] = useState<BrandState | null>(null);
  const [error, run] = useAction();

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const code = encodeURIComponent(String(form.get('brandCode') ?? '').trim());
    void run(async () => {
      setDone(
        await staffApi<BrandState>('POST', `/api/regulator/brands/${code}/${action}`, {
          ...(action === 'rename' ? { name: form.get('name') } : {}),
          reason: form.get('reason'),
        }),
      );
    });
  };

  return (
    <section aria-labelledby="brands-title">
      <h1 id="brands-title">{t.brandModeration}</h1>
      <p>{t.brandModerationIntro}</p>
      <form className="card narrow" onSubmit={submit}>
        <label htmlFor="moderation-code">{t.brandCode}</label>
        <input id="moderation-code" name="brandCode" inputMode="numeric" required />
        <label htmlFor="moderation-action">{t.moderationAction}</label>
        <select id="moderation-action" value={action} onChange={(e) => setAction(e.target.value as Action)}>
          {(['rename', 'block', 'unblock'] as const).map((a) => (
            <option key={a} value={a}>
              {t.moderationActions[a]}
            </option>
          ))}
        </select>
        {action === 'rename' && (
          <>
            <label htmlFor="moderation-name">{t.newBrandName}</label>
            <input id="moderation-name" name="name" required maxLength={255} />
          </>
        )}
        <label htmlFor="moderation-reason">{t.reason}</label>
        <textarea id="moderation-reason" name="reason" rows={2} required maxLength={1000} />
        <button type="submit">{t.moderationActions[action]}</button>
        <ErrorAlert error={error} />
        {done && (
          <p className="success" role="status">
            {t.brandModerated(done.brandCode, done.name, done.blocked)}
          </p>
        )}
      </form>
    </section>
  );
}
