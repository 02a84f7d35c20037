import { roundedRatio as ratio } from '../domain/ratio.js';
import type { TransparencyRepository } from '../repositories/transparency.repository.js';

export interface ProviderTransparency {
  iysCode: number;
  title: string;
  consents: number;
  /** Share of recorded consents that are RET. */
  optOutRate: number | null;
  upheldComplaintsPer10k: number | null;
  /** Citizen opt-outs at least a day old that the provider pulled from the changes feed within a day. */
  optOutsDue: number;
  optOutsReachedWithinADay: number | null;
}

/** How each company treats consent, in public and without personal data (beyond what İYS publishes). */
export function createTransparencyService(deps: {
  transparency: TransparencyRepository;
  clock?: () => Date;
}) {
  const { transparency, clock = () => new Date() } = deps;
  return {
    async providers(): Promise<ProviderTransparency[]> {
      return (await transparency.providerFigures(clock())).map((p) => ({
        iysCode: p.iys_code,
        title: p.title,
        consents: p.consents,
        optOutRate: ratio(p.rejections, p.consents),
        upheldComplaintsPer10k: ratio(p.upheld_complaints, p.consents, 10_000),
        optOutsDue: p.opt_outs_due,
        optOutsReachedWithinADay: ratio(p.opt_outs_reached, p.opt_outs_due),
      }));
    },
  };
}

export type TransparencyService = ReturnType<typeof createTransparencyService>;
