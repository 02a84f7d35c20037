import { Table } from '../../components/Table.js';
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { portalApi } from '../../api.js';
import { useI18n } from '../../i18n.js';
import { ErrorAlert, useAction } from './useAction.js';

interface Brand {
  brandCode: number;
  name: string;
  master: boolean;
  approval: number;
  rejection: number;
  byChannel: Array<{ type: string; status: string; count: number }>;
}

/** The company's brands with their consent counts per channel; admins add and rename brands. */
export function Brands({ isAdmin }: { isAdmin: boolean }) {
  const { t } = useI18n();
  const [brands, setBrands] = useState<Brand[]>([]);
  const [error, run] = useAction();
  const load = useCallback(async () => setBrands(await portalApi<Brand[]>('GET', '/api/portal/brands')), []);
  useEffect(() => void load(), [load]);
  const count = (b: Brand, type: string, status: string) =>
    b.byChannel.find((c) => c.type === type && c.status === status)?.count ?? 0;

  const add = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    void run(async () => {
      await portalApi('POST', '/api/portal/brands', { name: new FormData(form).get('name') });
      form.reset();
      await load();
    });
  };
  const rename = (brand: Brand) => {
    const name = window.prompt(t.brandName, brand.name);
    if (name)
      void run(
        async () => (await portalApi('PUT', `/api/portal/brands/${brand.brandCode}`, { name }), await load()),
      );
  };

  return (
    <section aria-labelledby="brands-title">
      <h2 id="brands-title">{t.overview}</h2>
      <div className="card table-wrap">
        <Table>
          <thead>
            <tr>
              <th scope="col">{t.brand}</th>
              {['ARAMA', 'MESAJ', 'EPOSTA'].map((type) => (
                <th key={type} scope="col">
                  {t.channel[type]} ({t.approvals} / {t.rejections})
                </th>
              ))}
              {isAdmin && <th scope="col" />}
            </tr>
          </thead>
          <tbody>
            {brands.map((b) => (
              <tr key={b.brandCode}>
                <td>
                  <span>
                    {b.name}{' '}
                    <small>
                      · {b.brandCode}
                      {b.master ? ` · ${t.master}` : ''}
                    </small>
                  </span>
                </td>
                {['ARAMA', 'MESAJ', 'EPOSTA'].map((type) => (
                  <td key={type}>
                    {count(b, type, 'ONAY')} / {count(b, type, 'RET')}
                  </td>
                ))}
                {isAdmin && (
                  <td>
                    <button type="button" className="link" onClick={() => rename(b)}>
                      {t.rename}
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </Table>
      </div>
      {isAdmin && (
        <form className="card row" onSubmit={add}>
          <span>
            <label htmlFor="brand-name">{t.brandName}</label>
            <input id="brand-name" name="name" required minLength={2} maxLength={255} />
          </span>
          <button type="submit">{t.addBrand}</button>
        </form>
      )}
      <ErrorAlert error={error} />
    </section>
  );
}
