import { Table } from '../../components/Table.js';
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { api, portalApi } from '../../api.js';
import { useI18n } from '../../i18n.js';
import { useProvinces } from '../../provinces.js';
import { BrandSelect } from './BrandSelect.js';
import { ErrorAlert, useAction } from './useAction.js';

interface Retailer {
  retailerCode: number;
  title: string;
  name: string;
  city: { name: string };
  town: { name: string };
  status: string;
  retailerAccessCount: number;
}
interface Town {
  code: string;
  name: string;
}

/** A brand's retailers (bayi): listed, added, and given users who see only their own consents. */
export function Retailers({
  brands,
  isAdmin,
}: {
  brands: Array<{ brandCode: number; name: string }>;
  isAdmin: boolean;
}) {
  const { t } = useI18n();
  const provinces = useProvinces();
  const [brandCode, setBrandCode] = useState(brands[0]?.brandCode ?? 0);
  const [list, setList] = useState<Retailer[] | null>(null);
  const [cityCode, setCityCode] = useState('34');
  const [towns, setTowns] = useState<Town[]>([]);
  const [error, run] = useAction();
  const load = useCallback(async () => {
    if (brandCode)
      setList(
        (await portalApi<{ list: Retailer[] }>('GET', `/api/portal/brands/${brandCode}/retailers`)).list,
      );
  }, [brandCode]);
  useEffect(() => void run(load), [run, load]);
  useEffect(() => void api<Town[]>('GET', `/info/town?cityCode=${cityCode}`).then(setTowns), [cityCode]);

  const add = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    void run(async () => {
      await portalApi('POST', `/api/portal/brands/${brandCode}/retailers`, {
        title: data.get('title'),
        name: data.get('name'),
        tckn: data.get('tckn'),
        city: { code: cityCode },
        town: { code: data.get('town') },
      });
      form.reset();
      await load();
    });
  };
  const invite = (retailer: Retailer) => {
    const email = window.prompt(t.emailLabel);
    if (email)
      void run(async () => {
        await portalApi('POST', `/api/portal/retailers/${retailer.retailerCode}/users`, {
          email,
          name: retailer.name,
        });
      });
  };

  return (
    <section aria-labelledby="retailers-title">
      <h2 id="retailers-title">{t.retailers}</h2>
      <div className="card row">
        <BrandSelect id="retailer-brand" brands={brands} value={brandCode} onChange={setBrandCode} />
      </div>
      {list?.length === 0 && <p className="card">{t.noRetailers}</p>}
      <div className="card table-wrap" hidden={!list?.length}>
        <Table>
          <thead>
            <tr>
              <th scope="col">{t.retailerTitle}</th>
              <th scope="col">{t.townLabel}</th>
              <th scope="col">{t.accessCount}</th>
              {isAdmin && <th scope="col" />}
            </tr>
          </thead>
          <tbody>
            {list?.map((r) => (
              <tr key={r.retailerCode}>
                <td>
                  {r.title}{' '}
                  <small>
                    · {r.retailerCode} · {r.name}
                  </small>
                </td>
                <td>
                  {r.town.name} / {r.city.name}
                </td>
                <td>{r.retailerAccessCount}</td>
                {isAdmin && (
                  <td>
                    <button type="button" className="link" onClick={() => invite(r)}>
                      {t.inviteRetailerUser}
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
            <label htmlFor="retailer-title">{t.retailerTitle}</label>
            <input id="retailer-title" name="title" required maxLength={255} />
          </span>
          <span>
            <label htmlFor="retailer-name">{t.retailerPerson}</label>
            <input id="retailer-name" name="name" required maxLength={255} />
          </span>
          <span>
            <label htmlFor="retailer-tckn">{t.tcknLabel}</label>
            <input id="retailer-tckn" name="tckn" required inputMode="numeric" pattern="\d{11}" />
          </span>
          <span>
            <label htmlFor="retailer-city">{t.cityLabel}</label>
            <select id="retailer-city" value={cityCode} onChange={(e) => setCityCode(e.target.value)}>
              {provinces.map((p) => (
                <option key={p.code} value={p.code}>
                  {p.name}
                </option>
              ))}
            </select>
          </span>
          <span>
            <label htmlFor="retailer-town">{t.townLabel}</label>
            <select id="retailer-town" name="town" required>
              {towns.map((town) => (
                <option key={town.code} value={town.code}>
                  {town.name}
                </option>
              ))}
            </select>
          </span>
          <button type="submit">{t.addRetailer}</button>
        </form>
      )}
      <ErrorAlert error={error} />
    </section>
  );
}
