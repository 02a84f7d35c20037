import { useI18n } from '../../i18n.js';

export interface BrandOption {
  brandCode: number;
  name: string;
}

/**
 * The company's brands as a labelled select. Controlled (`value` + `onChange`) when the page follows the
 * choice, otherwise a plain form field named `brandCode`.
 */
export function BrandSelect(props: {
  id: string;
  brands: BrandOption[];
  value?: number;
  onChange?: (brandCode: number) => void;
}) {
  const { t } = useI18n();
  const { id, brands, value, onChange } = props;
  return (
    <span>
      <label htmlFor={id}>{t.brand}</label>
      <select
        id={id}
        name="brandCode"
        {...(onChange ? { value, onChange: (e) => onChange(Number(e.target.value)) } : {})}
      >
        {brands.map((b) => (
          <option key={b.brandCode} value={b.brandCode}>
            {b.name} · {b.brandCode}
          </option>
        ))}
      </select>
    </span>
  );
}
