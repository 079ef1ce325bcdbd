/**
 * The local server's web app handler, over a tiny fake build: files with the right types and caching, index.html
 * for client routes, the runtime config, nothing outside the build, the API's requests passed through, and a clear
 * 503 when there is no build.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalWebAuth } from '../../functions/local/local-oidc.ts';
import {
  createWebApp,
  isWebRequest,
  localCsp,
  serveWebApp,
  WEB_BUILD_MISSING,
} from '../../functions/local/web-static.ts';

/** The local OpenID provider as `npm start` describes it to the app (the provider itself is not needed here). */
const IDENTITY: LocalWebAuth = {
  mode: 'oidc',
  issuer: 'http://localhost:3000/oidc',
  clientId: 'danh-gia-web',
  scopes: ['openid', 'profile', 'email'],
  bearer: 'id_token',
};

const INDEX = '<!doctype html><html lang="vi"><body><div id="app"></div></body></html>';
const SCRIPT = `console.log(${JSON.stringify('Đánh giá '.repeat(300))});`;

interface Running {
  url: string;
  server: Server;
}

/** A server whose own handler stands for the API: it answers every request it gets with 299 and the path. */
async function start(distDir: string): Promise<Running> {
  const server = createServer((req, res) => {
    res.writeHead(299, { 'content-type': 'text/plain' });
    res.end(`api ${req.method} ${req.url}`);
  });
  serveWebApp(server, createWebApp({ distDir, identity: IDENTITY }));
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

const stop = (r: Running | undefined) =>
  new Promise<void>((done) => {
    if (!r) return done();
    r.server.closeAllConnections();
    r.server.close(() => done());
  });

describe('web app on the local server, with a build', () => {
  let dir: string;
  let running: Running;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'danh-gia-web-static-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), INDEX);
    writeFileSync(join(dir, 'assets', 'index-abc123.js'), SCRIPT);
    writeFileSync(join(dir, 'assets', 'tinos-latin-400-normal-abc12345.woff'), Buffer.from('wOFF0000'));
    writeFileSync(join(dir, '.secret'), 'no');
    running = await start(dir);
  });
  afterAll(async () => {
    await stop(running);
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves index.html at / with a strict Content-Security-Policy and no caching', async () => {
    const r = await fetch(`${running.url}/`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8');
    // Its own origin, and the identity provider's (the same origin when the page is opened as localhost:3000).
    expect(r.headers.get('content-security-policy')).toBe(localCsp(['http://localhost:3000']));
    expect(r.headers.get('content-security-policy')).toContain("connect-src 'self' http://localhost:3000;");
    expect(r.headers.get('cache-control')).toBe('no-cache');
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await r.text()).toBe(INDEX);
  });

  it('answers client routes with index.html, so a reload on /phe-duyet works', async () => {
    for (const path of [
      '/phe-duyet',
      '/danh-gia/2026-11',
      '/xep-hang?donvi=stc&ky=2026-11',
      '/auth/callback?code=x',
    ]) {
      const r = await fetch(`${running.url}${path}`);
      expect(r.status, path).toBe(200);
      expect(await r.text(), path).toBe(INDEX);
    }
  });

  it('serves hashed assets gzip-compressed and cached for a year', async () => {
    const r = await fetch(`${running.url}/assets/index-abc123.js`, {
      headers: { 'accept-encoding': 'gzip' },
    });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(r.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    // fetch decodes gzip itself; the raw bytes prove it was compressed.
    const raw = await new Promise<Buffer>((resolve, reject) => {
      get(`${running.url}/assets/index-abc123.js`, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
        expect(res.headers['content-encoding']).toBe('gzip');
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(Buffer.concat(chunks)));
      }).on('error', reject);
    });
    expect(raw.length).toBeLessThan(Buffer.byteLength(SCRIPT));
    expect(gunzipSync(raw).toString('utf8')).toBe(SCRIPT);
  });

  it('serves the PDF fonts as font/woff, cached for a year, as they are (WOFF is compressed already)', async () => {
    const r = await fetch(`${running.url}/assets/tinos-latin-400-normal-abc12345.woff`, {
      headers: { 'accept-encoding': 'gzip' },
    });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('font/woff');
    expect(r.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(r.headers.get('content-encoding')).toBeNull();
    expect(Buffer.from(await r.arrayBuffer()).toString('latin1')).toBe('wOFF0000');
  });

  it('answers HEAD like GET without a body', async () => {
    const r = await fetch(`${running.url}/`, { method: 'HEAD' });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-length')).toBe(String(Buffer.byteLength(INDEX)));
    expect(await r.text()).toBe('');
  });

  it('serves the local runtime config: the API on this origin, sign-in through the local OpenID provider', async () => {
    const r = await fetch(`${running.url}/config.json`);
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toBe('no-store');
    const config = await r.json();
    expect(config).toEqual({ apiUrl: '', auth: IDENTITY });
  });

  it('answers 404 for a missing file and never serves outside the build or a dotfile', async () => {
    expect((await fetch(`${running.url}/assets/missing.js`)).status).toBe(404);
    expect((await fetch(`${running.url}/favicon.ico`)).status).toBe(404);
    expect((await fetch(`${running.url}/.secret`)).status).toBe(404);
    const traversal = await fetch(`${running.url}/%2e%2e/%2e%2e/%2e%2e/etc/passwd`);
    expect(await traversal.text()).not.toContain('root:');
    const encoded = await fetch(`${running.url}/assets/..%2f..%2f..%2fetc%2fpasswd`);
    expect(encoded.status).toBe(404);
  });

  it('passes the API, the local routes and the provider, and every non-GET request, to the server', async () => {
    for (const [method, path] of [
      ['GET', '/v1/me'],
      ['GET', '/v1'],
      ['POST', '/local/token'],
      ['GET', '/local/outbox'],
      ['GET', '/oidc/.well-known/openid-configuration'],
      ['GET', '/oidc'],
      ['POST', '/'],
      ['PUT', '/danh-gia'],
    ] as const) {
      const r = await fetch(`${running.url}${path}`, { method });
      expect(r.status, `${method} ${path}`).toBe(299);
      expect(await r.text()).toBe(`api ${method} ${path}`);
    }
  });

  it('tells web requests from API requests', () => {
    expect(isWebRequest('GET', '/')).toBe(true);
    expect(isWebRequest('GET', '/v1x')).toBe(true);
    expect(isWebRequest('GET', '/v1/units')).toBe(false);
    expect(isWebRequest('GET', '/localize')).toBe(true);
    expect(isWebRequest('GET', '/oidc/jwks')).toBe(false);
    expect(isWebRequest('GET', '/oidcx')).toBe(true);
    expect(isWebRequest('DELETE', '/')).toBe(false);
  });
});

describe('web app on the local server, without a build', () => {
  let dir: string;
  let running: Running;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'danh-gia-web-empty-'));
    running = await start(join(dir, 'dist'));
  });
  afterAll(async () => {
    await stop(running);
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses to serve the app with a 503 that says what to run', async () => {
    const r = await fetch(`${running.url}/danh-gia`);
    expect(r.status).toBe(503);
    expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const page = await r.text();
    expect(page).toContain(WEB_BUILD_MISSING);
    expect(page).toContain('npm run build:web');
    expect(page).not.toContain('http-equiv="refresh"');
  });

  it('reloads itself while a build is under way', async () => {
    const building = createServer();
    serveWebApp(
      building,
      createWebApp({ distDir: join(dir, 'dist'), building: () => true, identity: IDENTITY }),
    );
    await new Promise<void>((done) => building.listen(0, '127.0.0.1', done));
    try {
      const r = await fetch(`http://127.0.0.1:${(building.address() as AddressInfo).port}/`);
      expect(r.status).toBe(503);
      const page = await r.text();
      expect(page).toContain('<meta http-equiv="refresh" content="2">');
      expect(page).toContain('Đang build, trang sẽ tự tải lại');
    } finally {
      building.closeAllConnections();
      await new Promise<void>((done) => building.close(() => done()));
    }
  });

  it('still passes the API through', async () => {
    expect((await fetch(`${running.url}/v1/me`)).status).toBe(299);
  });

  it('picks up a build made after the server started', async () => {
    mkdirSync(join(dir, 'dist'));
    writeFileSync(join(dir, 'dist', 'index.html'), INDEX);
    const r = await fetch(`${running.url}/`);
    expect(r.status).toBe(200);
    expect(await r.text()).toBe(INDEX);
  });
});
