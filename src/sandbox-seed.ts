import type { System } from './system.js';

/** What a fresh sandbox was given, printed once at its first start (the staff key is stored only hashed). */
export interface SandboxSeed {
  providers: Array<{ iysCode: number; brands: number[]; username: string; password: string }>;
  staff: { name: string; role: 'admin'; key: string; console: '/kurul' };
}

export const SANDBOX_STAFF_NAME = 'Sandbox yöneticisi';

/**
 * The sandbox's accounts on an empty database: two demo providers with API users, and the first staff key,
 * an admin's, so that whoever starts a sandbox can open the regulator console at once. Returns null when
 * the database already holds providers (a restart), so nothing is created twice.
 */
export async function seedSandbox(
  system: Pick<System, 'providerAdmin' | 'regulator'>,
): Promise<SandboxSeed | null> {
  if (!(await system.providerAdmin.seedDemo())) return null;
  const key = await system.regulator.addKey(SANDBOX_STAFF_NAME, 'admin');
  return {
    providers: [
      { iysCode: 700001, brands: [700010, 700011], username: 'demo', password: 'demo-password-123' },
      { iysCode: 700002, brands: [700020], username: 'other', password: 'other-password-123' },
    ],
    staff: { name: SANDBOX_STAFF_NAME, role: 'admin', key, console: '/kurul' },
  };
}
