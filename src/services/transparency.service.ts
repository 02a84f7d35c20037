import { roundedRatio as ratio } from '../domain/ratio.js';
import type { TransparencyRepository } from '../repositories/transparency.repository.js';
import { computedOncePer } from './computed-once.js';

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

/**
 * How long the public figures are served before they are computed again. The page needs no sign-in, and
 * its opt-out figures read every citizen refusal: computed per view, anyone could keep the database busy
 * with it. So each process computes them at most once a minute, however many ask (`bench -- counts`).
 */
export const FIGURES_PERIOD_MS = 60_000;

/** How each company treats consent, in public and without personal data (beyond what İYS publishes). */
export function createTransparencyService(deps: {
  transparency: TransparencyRepository;
  clock?: () => Date;
}) {
  const { transparency, clock = () => new Date() } = deps;
  const figures = computedOncePer(FIGURES_PERIOD_MS, () => transparency.providerFigures(clock()), clock);
  return {
    async providers(): Promise<ProviderTransparency[]> {
      return (await figures()).map((p) => ({
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
