import type { DashboardRepository } from '../repositories/dashboard.repository.js';
import { provinceName } from '../domain/provinces.js';
import { roundedRatio as share } from '../domain/ratio.js';
import { turkeyDay } from '../domain/wire-date.js';

export const DASHBOARD_DAYS = 30;

/** The regulator's view of the whole market: consents, refusals, complaints and gateway checks. */
export function createDashboardService(deps: { dashboard: DashboardRepository; clock?: () => Date }) {
  const { dashboard, clock = () => new Date() } = deps;
  return {
    async overview() {
      const since = new Date(clock().getTime() - DASHBOARD_DAYS * 24 * 3600_000);
      const [movements, brands, providers, checks, provinces] = await Promise.all([
        dashboard.movementsByDay(since),
        dashboard.optOutRateByBrand(),
        dashboard.complaintsByProvider(),
        dashboard.gatewayChecksByDay(turkeyDay(since)),
        dashboard.complaintsByProvince(),
      ]);
      return {
        days: DASHBOARD_DAYS,
        movementsByDay: movements,
        optOutRateByBrand: brands.map((b) => ({
          brandCode: b.brand_code,
          name: b.name,
          consents: b.consents,
          optOutRate: share(b.rejections, b.consents),
        })),
        complaintsByProvider: providers.map((p) => ({
          iysCode: p.iys_code,
          title: p.title,
          consents: p.consents,
          complaints: p.complaints,
          per10k: share(p.complaints, p.consents, 10_000),
        })),
        complaintsByProvince: provinces.map((p) => ({
          code: p.province,
          name: provinceName(p.province) ?? p.province,
          complaints: p.complaints,
        })),
        gatewayChecksByDay: checks.map((c) => ({
          day: c.day,
          allowed: c.allowed,
          blocked: c.blocked,
          blockedShare: share(c.blocked, c.allowed + c.blocked),
        })),
      };
    },
  };
}

export type DashboardService = ReturnType<typeof createDashboardService>;
