import { brandNameKey, checkBrandName } from '../domain/brand-name.js';
import { IysRequestError } from '../domain/iys-errors.js';
import type { ProviderRepository } from '../repositories/provider.repository.js';

/**
 * A brand name the registry can put in its own notices (H974), of a sane length (H940), and not already
 * used by another of the company's brands (H975). `renaming` names the brand whose own name does not count.
 */
export async function requireBrandName(
  providers: ProviderRepository,
  providerId: number,
  value: unknown,
  renaming?: number,
): Promise<string> {
  const checked = checkBrandName(typeof value === 'string' ? value : '');
  if ('problem' in checked) {
    if (checked.problem === 'length')
      throw IysRequestError.of('H940', { location: ['name'], value, vars: { field: 'name' } });
    throw IysRequestError.of('H974', { location: ['name'], value });
  }
  const taken = (await providers.brandNamesOf(providerId, renaming)).map(brandNameKey);
  if (taken.includes(brandNameKey(checked.name)))
    throw IysRequestError.of('H975', { location: ['name'], value });
  return checked.name;
}
