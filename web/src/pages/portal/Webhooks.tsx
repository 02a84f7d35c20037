import { Table } from '../../components/Table.js';
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { portalApi } from '../../api.js';
import { useI18n } from '../../i18n.js';
import { BrandSelect } from './BrandSelect.js';
import { ErrorAlert, useAction } from './useAction.js';

interface Webhook {
  id: string;
  brandCode: number;
  url: string;
  status: string;
  disabledReason: string | null;
}
interface Delivery {
  id: string;
  eventId: string;
  type: string;
  consentStatus: string;
  status: string;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
}

/** Webhook endpoints per brand: register, rotate the secret, enable or disable, the delivery log, replay. */
export function Webhooks({
  brands,
  isAdmin,
}: {
  brands: Array<{ brandCode: number; name: string }>;
  isAdmin: boolean;
}) {
  const { t } = useI18n();
  const [hooks, setHooks] = useState<Webhook[]>([]);
  const [secret, setSecret] = useState<string | null>(null);
  const [log, setLog] = useState<{ id: string; deliveries: Delivery[] } | null>(null);
  const [error, run] = useAction();
  const load = useCallback(
    async () => setHooks(await portalApi<Webhook[]>('GET', '/api/portal/webhooks')),
    [],
  );
  useEffect(() => void run(load), [run, load]);
  const showLog = (id: string) =>
    run(async () =>
      setLog({ id, deliveries: await portalApi<Delivery[]>('GET', `/api/portal/webhooks/${id}/deliveries`) }),
    );
  const act = (path: string, then?: (result: { secret?: string }) => void) =>
    void run(async () => {
      const result = await portalApi<{ secret?: string }>('POST', path);
      then?.(result);
      await load();
    });

  const add = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    void run(async () => {
      const created = await portalApi<{ secret: string }>('POST', '/api/portal/webhooks', {
        brandCode: Number(data.get('brandCode')),
        url: data.get('url'),
      });
      setSecret(created.secret);
      form.reset();
      await load();
    });
  };

  return (
    <section aria-labelledby="webhooks-title">
      <h2 id="webhooks-title">{t.webhooks}</h2>
      {secret && (
        <p className="success" role="status">
          {t.webhookSecretOnce} <code data-testid="webhook-secret">{secret}</code>
        </p>
      )}
      {hooks.length === 0 && <p className="card">{t.noWebhooks}</p>}
      <div className="card table-wrap" hidden={hooks.length === 0}>
        <Table>
          <thead>
            <tr>
              <th scope="col">{t.webhookEndpoint}</th>
              <th scope="col">{t.statusHeader}</th>
              <th scope="col">
                <span className="visually-hidden">{t.actions}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {hooks.map((h) => (
              <tr key={h.id}>
                <td>
                  <code>{h.url}</code> <small>· {h.brandCode}</small>
                </td>
                <td>
                  <span className={`badge ${h.status === 'active' ? 'on' : 'off'}`}>
                    {t.webhookStatus[h.status] ?? h.status}
                  </span>
                  {h.disabledReason && <small> {h.disabledReason}</small>}
                </td>
                <td className="row">
                  <button type="button" className="link" onClick={() => void showLog(h.id)}>
                    {t.deliveries}
                  </button>
                  {isAdmin && (
                    <>
                      <button
                        type="button"
                        className="link"
                        onClick={() =>
                          act(`/api/portal/webhooks/${h.id}/rotate-secret`, (r) =>
                            setSecret(r.secret ?? null),
                          )
                        }
                      >
                        {t.rotateSecret}
                      </button>
                      <button
                        type="button"
                        className="link"
                        onClick={() =>
                          act(`/api/portal/webhooks/${h.id}/${h.status === 'active' ? 'disable' : 'enable'}`)
                        }
                      >
                        {h.status === 'active' ? t.disable : t.enable}
                      </button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
      </div>
      {log && (
        <div className="card table-wrap">
          <h3>{t.deliveries}</h3>
          {log.deliveries.length === 0 && <p>{t.noDeliveries}</p>}
          <Table label={t.deliveries}>
            <thead>
              <tr>
                <th scope="col">{t.deliveryTime}</th>
                <th scope="col">{t.deliveryMovement}</th>
                <th scope="col">{t.statusHeader}</th>
                <th scope="col">{t.deliveryAttempts}</th>
                <th scope="col">{t.deliveryLastError}</th>
                <th scope="col">
                  <span className="visually-hidden">{t.actions}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {log.deliveries.map((d) => (
                <tr key={d.id}>
                  <td>{d.createdAt}</td>
                  <td>
                    {t.channel[d.type]} {t.status[d.consentStatus]} <small>#{d.eventId}</small>
                  </td>
                  <td>
                    <span
                      className={`badge ${d.status === 'delivered' ? 'on' : d.status === 'failed' ? 'off' : ''}`}
                    >
                      {t.deliveryStatus[d.status] ?? d.status}
                    </span>
                  </td>
                  <td>{d.attempts}</td>
                  <td>
                    {d.lastStatus ? `HTTP ${d.lastStatus}` : ''} {d.lastError && <small>{d.lastError}</small>}
                    {!d.lastStatus && !d.lastError && '—'}
                  </td>
                  <td>
                    {isAdmin && (
                      <button
                        type="button"
                        className="link"
                        onClick={() =>
                          act(`/api/portal/webhook-deliveries/${d.id}/replay`, () => void showLog(log.id))
                        }
                      >
                        {t.replay}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </Table>
        </div>
      )}
      {isAdmin && (
        <form className="card row" onSubmit={add}>
          <BrandSelect id="webhook-brand" brands={brands} />
          <span>
            <label htmlFor="webhook-url">{t.webhookUrl}</label>
            <input id="webhook-url" name="url" type="url" required />
          </span>
          <button type="submit">{t.addWebhook}</button>
        </form>
      )}
      <ErrorAlert error={error} />
    </section>
  );
}
