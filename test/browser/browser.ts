import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import pino from 'pino';
import { chromium, type Browser, type Page } from 'playwright-core';
import { projectRoot } from '../../src/runtime.js';
import { seedSandbox } from '../../src/sandbox-seed.js';
import { createSystem, SANDBOX_MESSAGING, type System, type SystemOptions } from '../../src/system.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { demoProviderToken } from '../helpers/server-process.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = path.join(projectRoot(), 'docs', 'screenshots');

export interface BrowserTestbed {
  system: System;
  url: string;
  /** The admin key the sandbox start printed. */
  sandboxStaffKey: string;
  browser: Browser;
  database: TestDatabase;
  newPage(options?: { mobile?: boolean }): Promise<Page>;
  /** Runs `work` with the registry's clock `ms` behind: what it records is recorded in the past. */
  recordedAgo<T>(ms: number, work: () => Promise<T>): Promise<T>;
  providerToken(): Promise<string>;
  close(): Promise<void>;
}

/** The whole system on a real port with the built web app, and Debian's Chromium driven by Playwright. */
export async function startBrowserTestbed(
  options: {
    /** An identity provider for citizens, configured once this server's URL is known. */
    oidc?: (url: string) => Promise<NonNullable<SystemOptions['oidc']>>;
  } = {},
): Promise<BrowserTestbed> {
  if (!existsSync(CHROMIUM))
    throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install chromium (or set CHROMIUM_PATH)`);
  const webRoot = path.join(projectRoot(), 'web', 'dist');
  const database = await createTestDatabase();
  // Short links must point at this server, so the port is chosen before the system is built.
  const { createServer } = await import('node:net');
  const port = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
  const url = `http://127.0.0.1:${port}`;
  // The registry's clock can be set back, so a test can have something recorded "an hour ago".
  let behindMs = 0;
  const system = await createSystem({
    clock: () => new Date(Date.now() - behindMs),
    databaseUrl: database.url,
    masterKey: randomBytes(32),
    logger: pino({ level: 'warn' }),
    messaging: { ...SANDBOX_MESSAGING, publicUrl: url },
    webhooks: { allowLoopbackHttp: true },
    webRoot,
    oidc: await options.oidc?.(url),
  });
  // Seeded as a sandbox start seeds: its first staff key is what a newcomer signs in to /kurul with.
  const seed = (await seedSandbox(system))!;
  await system.app.listen({ port, host: '127.0.0.1' });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const blocked: string[] = [];
  return {
    system,
    url,
    sandboxStaffKey: seed.staff.key,
    async recordedAgo<T>(ms: number, work: () => Promise<T>): Promise<T> {
      behindMs = ms;
      try {
        return await work();
      } finally {
        behindMs = 0;
      }
    },
    browser,
    database,
    async newPage({ mobile = false } = {}) {
      const context = await browser.newContext(
        mobile
          ? {
              locale: 'tr-TR',
              viewport: { width: 390, height: 844 },
              deviceScaleFactor: 2,
              isMobile: true,
              hasTouch: true,
            }
          : { locale: 'tr-TR', viewport: { width: 1280, height: 800 } },
      );
      const page = await context.newPage();
      // The Content-Security-Policy must hold for the whole web app: anything it blocks fails the test.
      page.on('console', (message) => {
        if (/Content Security Policy/i.test(message.text())) blocked.push(`${page.url()}: ${message.text()}`);
      });
      return page;
    },
    providerToken: () => demoProviderToken(url),
    async close() {
      await browser.close();
      assert.deepEqual(blocked, [], 'nothing was blocked by the Content-Security-Policy');
      await system.close();
      await database.drop();
    },
  };
}

/**
 * Nothing cut off on a phone: the page does not scroll sideways, and every table cell, button, field and
 * link is on screen and not hidden (a table column hidden by a style rule shows here as a hidden cell).
 */
export async function assertFitsScreen(page: Page): Promise<void> {
  const problems = await page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const found: string[] = [];
    if (document.documentElement.scrollWidth > width + 1)
      found.push(`the page scrolls sideways: ${document.documentElement.scrollWidth} px in ${width} px`);
    for (const element of document.querySelectorAll('td, button, input, select, textarea, a')) {
      if (element.closest('thead, .visually-hidden') || (element as HTMLInputElement).type === 'hidden')
        continue;
      const box = element.getBoundingClientRect();
      const name = `${element.tagName.toLowerCase()} «${(element.textContent ?? '').trim().slice(0, 40)}»`;
      if (box.width === 0 && box.height === 0) {
        if (element.tagName === 'TD') found.push(`${name} is hidden`);
      } else if (box.left < -1 || box.right > width + 1) {
        found.push(`${name} spans ${Math.round(box.left)}–${Math.round(box.right)} px of ${width} px`);
      }
    }
    return found;
  });
  assert.deepEqual(problems, [], `${page.url()} does not fit a ${page.viewportSize()?.width} px screen`);
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * An accessibility check by axe-core (WCAG 2 A and AA rules) of the page as it is now: no serious or
 * critical violation. Evaluated through the browser's debugging protocol, so the page's strict CSP (which
 * would refuse an injected script tag) stays as it is.
 */
export async function assertAccessible(page: Page): Promise<void> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (...args: unknown[]) => Promise<AxeResults> } }).axe;
    interface AxeResults {
      violations: Array<{
        id: string;
        impact: string | null;
        help: string;
        nodes: Array<{ target: string[] }>;
      }>;
    }
    const results = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      resultTypes: ['violations'],
    });
    return results.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map(
        (v) =>
          `${v.impact} ${v.id}: ${v.help} — ${v.nodes
            .map((n) => n.target.join(' '))
            .slice(0, 3)
            .join(', ')}`,
      );
  });
  assert.deepEqual(violations, [], `${page.url()} has accessibility violations`);
}
