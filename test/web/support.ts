/**
 * For the web tests: a fresh build of the app (Vite, into a temporary folder, so the test runs the source as it
 * is and never touches web/dist), a real local server over a fresh table with the demo data, the local OpenID
 * provider and the app in front of the API (as `npm start` puts them together), and Debian's Chromium driven by
 * playwright-core (no browser download), which signs in through that provider's page.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import { seedDemo } from '../../functions/local/demo-data.ts';
import { issueLocalToken, loadLocalTokenKey } from '../../functions/local/local-auth.ts';
import {
  createLocalOidc,
  type LocalOidc,
  serveLocalOidc,
  useLocalClaimNames,
} from '../../functions/local/local-oidc.ts';
import { prepareEvidenceBucket } from '../../functions/local/s3-local.ts';
import { startLocalServer } from '../../functions/local/server.ts';
import { createWebApp, serveWebApp } from '../../functions/local/web-static.ts';
import type { Group } from '../../shared/app/caller.ts';
import type { Store } from '../../shared/store/store.ts';
import { useTestEvidence } from '../support/api.ts';
import { freshTable } from '../support/table.ts';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
export const ARTIFACTS = join(REPO_ROOT, 'test-artifacts', 'web');

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
  '--lang=vi-VN',
];

export interface BuiltApp {
  dir: string;
  cleanup(): void;
}

/** `vite build` of web/ into a temporary folder. */
export async function buildWebApp(): Promise<BuiltApp> {
  const dir = mkdtempSync(join(tmpdir(), 'danh-gia-web-'));
  const { build } = await import('vite');
  await build({
    configFile: join(REPO_ROOT, 'web', 'vite.config.ts'),
    mode: 'production',
    logLevel: 'error',
    build: { outDir: dir, emptyOutDir: true },
  });
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The files `index.html` loads before anything renders: its scripts, module preloads and stylesheets. */
export function initialAssets(distDir: string): { js: string[]; css: string[] } {
  const html = readFileSync(join(distDir, 'index.html'), 'utf8');
  const attr = (re: RegExp) => [...html.matchAll(re)].map((m) => m[1] ?? '');
  return {
    js: [
      ...attr(/<script[^>]+type="module"[^>]*src="([^"]+)"/g),
      ...attr(/<link[^>]+rel="modulepreload"[^>]*href="([^"]+)"/g),
    ],
    css: attr(/<link[^>]+rel="stylesheet"[^>]*href="([^"]+)"/g),
  };
}

export const gzipSize = (distDir: string, url: string) =>
  gzipSync(readFileSync(join(distDir, url.replace(/^\//, ''))), { level: 9 }).length;

export interface WebTestServer {
  /** `http://localhost:<port>`: the origin of the app and of the provider (its issuer is `<url>/oidc`). */
  url: string;
  period: string;
  identity: LocalOidc;
  /** A `/local/token` bearer token for direct API calls made by the test itself (the scripts' shortcut). */
  tokenFor(employeeId: string, groups?: Group[]): Promise<string>;
  /** The store under the server, for what only SES's events would do (a bounce). */
  store: Store;
  close(): Promise<void>;
}

/**
 * The local server as `npm start` runs it, on a free port, over a fresh table with the demo data: the claim names
 * of a city's SSO, the local OpenID provider (keys in `dataDir`, or in memory), the app, the API.
 */
export async function startWebTestServer(
  distDir: string,
  options: { dataDir?: string } = {},
): Promise<WebTestServer> {
  useLocalClaimNames();
  // Evidence goes to the test run's s3rver, as `npm start` sends it to its own.
  const s3 = await useTestEvidence();
  const { db, store } = await freshTable('web');
  const seeded = await seedDemo(store);
  const tokenKey = loadLocalTokenKey(null);
  let identity: LocalOidc | undefined;
  const server = await startLocalServer({
    port: 0,
    tokenKey,
    verifyToken: (token) => identity?.verify(token) ?? Promise.resolve(null),
  });
  // The browser uses localhost, as `npm start` prints it: the issuer and the app's origin are the same.
  const url = server.url.replace('127.0.0.1', 'localhost');
  identity = await createLocalOidc({
    origin: url,
    store,
    tableName: db.tableName,
    dataDir: options.dataDir ?? null,
  });
  // The browser uploads from the app's origin straight to the bucket: its CORS rule names that origin.
  await prepareEvidenceBucket(s3.endpoint, s3.bucket, [url, server.url]);
  serveWebApp(
    server.server,
    createWebApp({ distDir, identity: identity.webAuth, connectOrigins: [s3.endpoint] }),
  );
  serveLocalOidc(server.server, identity);
  return {
    url,
    period: seeded.period,
    identity,
    tokenFor: (employeeId, groups = []) => issueLocalToken(tokenKey, employeeId, groups),
    store,
    close: () => server.close(),
  };
}

/**
 * On the local provider's login page (the app sent the browser there): a demo account's button, or any employee
 * id typed in the form with the groups ticked. Waits until the app shows the signed-in header.
 */
export async function chooseAccount(
  page: Page,
  employeeId: string,
  options: { groups?: Group[]; keyboard?: boolean } = {},
): Promise<void> {
  await page.waitForURL(/\/oidc\/interaction\//);
  const demo = page.locator(`button[data-employee-id="${employeeId}"]`);
  if (options.groups === undefined && (await demo.count()) > 0) {
    if (options.keyboard) {
      await demo.focus();
      await page.keyboard.press('Enter');
    } else {
      await demo.click();
    }
  } else {
    await page.getByRole('textbox', { name: 'Mã nhân sự' }).fill(employeeId);
    for (const group of options.groups ?? [])
      await page.getByRole('checkbox', { name: `(${group})` }).check();
    await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
  }
  await page.getByRole('button', { name: 'Đăng xuất' }).waitFor();
}

export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

export function artifactPath(name: string): string {
  mkdirSync(ARTIFACTS, { recursive: true });
  return join(ARTIFACTS, name);
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

/**
 * The page as it is now: a screenshot (`screenshot`, a file name under the artifacts), no horizontal scrolling
 * (scrollWidth <= clientWidth), and no accessibility violation found by axe-core (WCAG 2.x A and AA, and best
 * practices). The app's CSP allows no inline script: axe is evaluated through the DevTools protocol instead.
 */
export async function auditPage(page: Page, name: string, screenshot: string): Promise<void> {
  await page.screenshot({ path: artifactPath(screenshot), fullPage: true });
  const size = await page.evaluate<{ scroll: number; client: number }>(
    '({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth })',
  );
  expect(size.scroll, `${name}: page wider than the screen`).toBeLessThanOrEqual(size.client);
  if (!(await page.evaluate<boolean>('typeof window.axe === "object"'))) await page.evaluate(axeSource);
  const violations = await page.evaluate<AxeViolation[]>(
    `axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => ({ target: n.target, failureSummary: n.failureSummary })) })))`,
  );
  expect(violations, `${name}: axe-core violations`).toEqual([]);
}
