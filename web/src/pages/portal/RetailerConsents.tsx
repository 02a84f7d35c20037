import { Table } from '../../components/Table.js';
import { useCallback, useEffect, useState } from 'react';
import { portalApi } from '../../api.js';
import { useI18n } from '../../i18n.js';
import { ErrorAlert, useAction } from './useAction.js';

interface VisibleConsent {
  recipient: string;
  recipientType: string;
  type: string;
  status: string;
  source: string | null;
  consentDate: string;
}

/** What a retailer's user sees: the consents their retailer collected or was given access to. */
export function RetailerConsents({ title }: { title: string }) {
  const { t } = useI18n();
  const [list, setList] = useState<VisibleConsent[]>([]);
  const [error, run] = useAction();
  const load = useCallback(
    async () => setList(await portalApi<VisibleConsent[]>('GET', '/api/portal/retailer/consents')),
    [],
  );
  useEffect(() => void run(load), [run, load]);

  return (
    <section aria-labelledby="retailer-consents-title">
      <h2 id="retailer-consents-title">{t.retailerConsents(title)}</h2>
      <ErrorAlert error={error} />
      <div className="card table-wrap">
        <Table>
          <tbody>
            {list.map((c) => (
              <tr key={`${c.recipient}-${c.type}-${c.recipientType}`}>
                <td>{c.recipient}</td>
                <td>
                  {t.channel[c.type]} <small>· {c.recipientType}</small>
                </td>
                <td>
                  <span className={`badge ${c.status === 'ONAY' ? 'on' : 'off'}`}>{t.status[c.status]}</span>
                </td>
                <td>{c.consentDate}</td>
              </tr>
            ))}
          </tbody>
        </Table>
      </div>
    </section>
  );
}
