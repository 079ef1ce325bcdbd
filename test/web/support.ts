/**
 * For the web tests: a fresh build of the app (Vite, into a temporary folder, so the test runs the source as it
 * is and never touches web/dist), a real local server over a fresh table with the demo data and the app in front
 * of the API, and Debian's Chromium driven by playwright-core (no browser download).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { Browser } from 'playwright-core';
import { seedDemo } from '../../functions/local/demo-data.ts';
import { issueLocalToken, loadLocalTokenKey } from '../../functions/local/local-auth.ts';
import { startLocalServer } from '../../functions/local/server.ts';
import { createWebApp, serveWebApp } from '../../functions/local/web-static.ts';
import type { Group } from '../../shared/app/caller.ts';
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
  url: string;
  period: string;
  /** A bearer token for direct API calls made by the test itself. */
  tokenFor(employeeId: string, groups?: Group[]): Promise<string>;
  close(): Promise<void>;
}

/** The local server as `npm start` runs it, on a free port, over a fresh table with the demo data. */
export async function startWebTestServer(distDir: string): Promise<WebTestServer> {
  const { store } = await freshTable('web');
  const seeded = await seedDemo(store);
  const tokenKey = loadLocalTokenKey(null);
  const server = await startLocalServer({ port: 0, tokenKey });
  serveWebApp(server.server, createWebApp({ distDir }));
  return {
    url: server.url,
    period: seeded.period,
    tokenFor: (employeeId, groups = []) => issueLocalToken(tokenKey, employeeId, groups),
    close: () => server.close(),
  };
}

export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

export function artifactPath(name: string): string {
  mkdirSync(ARTIFACTS, { recursive: true });
  return join(ARTIFACTS, name);
}
