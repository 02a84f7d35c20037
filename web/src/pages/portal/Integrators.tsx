import { Table } from '../../components/Table.js';
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { portalApi } from '../../api.js';
import { useI18n } from '../../i18n.js';
import { BrandSelect } from './BrandSelect.js';
import { ErrorAlert, useAction } from './useAction.js';

interface Grant {
  brandCode: number;
  brandName: string;
  integratorCode: number;
  integratorTitle: string;
  ARAMA: boolean;
  MESAJ: boolean;
  EPOSTA: boolean;
  agreementControl: boolean;
}
const RIGHTS = ['ARAMA', 'MESAJ', 'EPOSTA', 'agreementControl'] as const;

/** Integrators (iş ortağı) authorised on the company's brands, per channel and for reconciliation. */
export function Integrators({
  brands,
  isAdmin,
}: {
  brands: Array<{ brandCode: number; name: string }>;
  isAdmin: boolean;
}) {
  const { t } = useI18n();
  const [grants, setGrants] = useState<Grant[] | null>(null);
  const [error, run] = useAction();
  const load = useCallback(
    async () => setGrants(await portalApi<Grant[]>('GET', '/api/portal/integrators')),
    [],
  );
  useEffect(() => void run(load), [run, load]);
  const label = (right: (typeof RIGHTS)[number]) =>
    right === 'agreementControl' ? t.reconciliationRight : t.channel[right];

  const grant = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    void run(async () => {
      await portalApi('POST', '/api/portal/integrators', {
        brandCode: Number(data.get('brandCode')),
        integratorCode: Number(data.get('integratorCode')),
        ...Object.fromEntries(RIGHTS.map((right) => [right, data.get(right) === 'on'])),
      });
      form.reset();
      await load();
    });
  };

  return (
    <section aria-labelledby="integrators-title">
      <h2 id="integrators-title">{t.integrators}</h2>
      {grants?.length === 0 && <p className="card">{t.noIntegrators}</p>}
      <div className="card table-wrap" hidden={!grants?.length}>
        <Table>
          <tbody>
            {grants?.map((g) => (
              <tr key={`${g.brandCode}-${g.integratorCode}`}>
                <td>
                  {g.integratorTitle} <small>· {g.integratorCode}</small>
                </td>
                <td>{g.brandName}</td>
                <td>
                  {RIGHTS.filter((right) => g[right])
                    .map(label)
                    .join(', ')}
                </td>
                <td>
                  {isAdmin && (
                    <button
                      type="button"
                      className="link"
                      onClick={() =>
                        void run(async () => {
                          await portalApi(
                            'DELETE',
                            `/api/portal/integrators/${g.brandCode}/${g.integratorCode}`,
                          );
                          await load();
                        })
                      }
                    >
                      {t.revoke}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
      </div>
      {isAdmin && (
        <form className="card row" onSubmit={grant}>
          <BrandSelect id="grant-brand" brands={brands} />
          <span>
            <label htmlFor="grant-code">{t.integratorCode}</label>
            <input id="grant-code" name="integratorCode" inputMode="numeric" pattern="\d+" required />
          </span>
          {RIGHTS.map((right) => (
            <label key={right} className="plain">
              <input type="checkbox" name={right} /> {label(right)}
            </label>
          ))}
          <button type="submit">{t.authorise}</button>
        </form>
      )}
      <ErrorAlert error={error} />
    </section>
  );
}
