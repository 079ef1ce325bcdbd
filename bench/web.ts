/**
 * `npm run bench -- web [--rounds 5] [--url http://localhost:3000] [--employee stc-ns-04]`
 *
 * The employee page's first render over a slow mobile network: Debian's Chromium (playwright-core, no browser
 * download) with the network throttled through the DevTools protocol (`Network.emulateNetworkConditions`: 1.6 Mbps
 * down, 750 kbps up, 150 ms latency: a weak 4G link), on a 360 px phone screen.
 *
 * Without `--url` it builds the web app (`vite build` into web/dist) and starts `npm start` itself on a free port
 * (DynamoDB Local in memory, the demo data, the scheduler off), then stops it. It signs in as the demo employee
 * through the local OpenID provider's page, then measures, in alternating rounds:
 *
 * - **cold**: the browser's HTTP cache cleared and the app's own caches (`/v1/me` in sessionStorage, rubrics in
 *   localStorage) removed, the sign-in kept: a first visit of the day;
 * - **warm**: the same page opened again with every cache as the last visit left it.
 *
 * Each run reports when the month is on screen (the page's `performance.mark`, from navigation start), the first
 * contentful paint, and the API requests made before the month was on screen. Figures go to BENCHMARKS.md.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CHROMIUM = '/usr/bin/chromium';
const READY_MARK = 'danh-gia:employee-month-rendered';
/** A weak 4G link: bytes per second and milliseconds, as the protocol takes them. */
const NETWORK = {
  offline: false,
  latency: 150,
  downloadThroughput: 1_600_000 / 8,
  uploadThroughput: 750_000 / 8,
};

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => ok(port));
    });
  });
}

async function buildWeb(): Promise<void> {
  const { build } = await import('vite');
  await build({ configFile: join(ROOT, 'web', 'vite.config.ts'), mode: 'production', logLevel: 'error' });
}

/** `npm start` on a free port with an in-memory table; resolves once the app is served. */
async function startLocal(): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'functions/local/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), LOCAL_DATA_DIR: 'memory', LOCAL_SCHEDULER: 'off' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  const url = `http://localhost:${port}`;
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`npm start exited:\n${output}`);
    if (Date.now() > deadline) throw new Error(`npm start did not answer in time:\n${output}`);
    // The app is served once the web build check is over (the banner has long been printed by then).
    const ready = await fetch(`${url}/config.json`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready && output.includes('Ctrl-C')) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  await new Promise((r) => setTimeout(r, 1_000));
  return {
    url,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

interface Run {
  ready: number;
  paint: number;
  /** API requests started before the month was on screen, in order, with their start from navigation. */
  requests: string[];
}

async function measure(page: Page, url: string): Promise<Run> {
  const started: { at: number; what: string }[] = [];
  const origin = new URL(url).origin;
  const onRequest = (r: { url(): string; method(): string }) => {
    const u = new URL(r.url());
    if (u.origin === origin && (u.pathname.startsWith('/v1/') || u.pathname === '/config.json'))
      started.push({ at: Date.now(), what: `${r.method()} ${u.pathname}${u.search}` });
  };
  page.on('request', onRequest);
  const t0 = Date.now();
  await page.goto(`${url}/danh-gia`, { waitUntil: 'commit' });
  await page.waitForFunction(`performance.getEntriesByName('${READY_MARK}').length > 0`, undefined, {
    timeout: 60_000,
  });
  page.off('request', onRequest);
  const ready = await page.evaluate<number>(`performance.getEntriesByName('${READY_MARK}')[0].startTime`);
  const paint = await page.evaluate<number>(
    `performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1`,
  );
  const readyAt = t0 + ready;
  const requests = started
    .filter((r) => r.at <= readyAt + 5)
    .map((r) => `${String(Math.round(r.at - t0)).padStart(5)} ms  ${r.what}`);
  return { ready, paint, requests };
}

export async function run(args: string[]): Promise<void> {
  const rounds = Number(option(args, 'rounds') ?? 5);
  const employee = option(args, 'employee') ?? 'stc-ns-04';
  let url = option(args, 'url');
  let local: Awaited<ReturnType<typeof startLocal>> | null = null;
  if (!url) {
    console.log('web: building the app (web/dist) and starting npm start on a free port…');
    await buildWeb();
    local = await startLocal();
    url = local.url;
  }
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--lang=vi-VN',
    ],
  });
  try {
    const context = await browser.newContext({
      viewport: { width: 360, height: 740 },
      locale: 'vi-VN',
      timezoneId: 'Asia/Ho_Chi_Minh',
      // The measuring scripts are evaluated in the page; the app's CSP allows no eval.
      bypassCSP: true,
    });
    const page = await context.newPage();
    page.setDefaultTimeout(60_000);
    // Signed in once, unthrottled, as a person would through the provider's page.
    await page.goto(`${url}/danh-gia`);
    await page.waitForURL(/\/oidc\/interaction\//);
    await page.getByRole('textbox', { name: 'Mã nhân sự' }).fill(employee);
    await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
    await page.getByRole('button', { name: 'Đăng xuất' }).waitFor();
    await page.locator('.score-table').waitFor();

    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', NETWORK);
    const cold: Run[] = [];
    const warm: Run[] = [];
    for (let i = 0; i < rounds; i++) {
      await cdp.send('Network.clearBrowserCache');
      await page.evaluate(`(() => {
        sessionStorage.removeItem('danh-gia.me');
        for (const k of Object.keys(localStorage)) if (k.startsWith('danh-gia.rubric.')) localStorage.removeItem(k);
      })()`);
      cold.push(await measure(page, url));
      warm.push(await measure(page, url));
    }
    const line = (name: string, runs: Run[]) =>
      `${name.padEnd(5)} month on screen median ${Math.round(median(runs.map((r) => r.ready)))} ms ` +
      `(min ${Math.round(Math.min(...runs.map((r) => r.ready)))}, max ${Math.round(Math.max(...runs.map((r) => r.ready)))}), ` +
      `first contentful paint ${Math.round(median(runs.map((r) => r.paint)))} ms, ` +
      `${median(runs.map((r) => r.requests.length))} requests before it`;
    console.log(
      `\nweb: employee page (${employee}), 360 px, ${NETWORK.downloadThroughput * 8} bit/s down, ` +
        `${NETWORK.uploadThroughput * 8} bit/s up, ${NETWORK.latency} ms latency, ${rounds} rounds`,
    );
    console.log(line('cold', cold));
    console.log(line('warm', warm));
    console.log('\nrequests of the last cold run (start after navigation):');
    for (const r of cold.at(-1)?.requests ?? []) console.log(`  ${r}`);
    console.log('requests of the last warm run:');
    for (const r of warm.at(-1)?.requests ?? []) console.log(`  ${r}`);
  } finally {
    await browser.close();
    await local?.stop();
  }
}
