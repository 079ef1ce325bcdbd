/**
 * `npm start` as a newcomer runs it: it serves, the curl commands it prints work as printed, the local OpenID
 * provider answers, and SIGTERM stops the server and DynamoDB Local, leaving no process behind. (How fast it starts
 * is a benchmark's business, not a test's: see BENCHMARKS.md.)
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../functions/local/dynamodb-local.ts';

let child: ChildProcess | undefined;
afterAll(() => {
  // The whole group: npm, and the server it started, which a SIGKILL to npm alone would orphan.
  if (child?.pid && child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
});

function javaProcessesOn(port: number): number {
  try {
    const out = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
    return out
      .split('\n')
      .filter((line) => line.includes('DynamoDBLocal.jar') && line.includes(`-port ${port}`)).length;
  } catch {
    return 0;
  }
}

describe('npm start', () => {
  it('serves, prints working curl commands, and stops cleanly', async () => {
    const port = await freePort();
    const started = Date.now();
    child = spawn('npm', ['start'], {
      env: {
        ...process.env,
        PORT: String(port),
        LOCAL_DATA_DIR: 'memory',
        SEED: 'demo',
        DYNAMODB_ENDPOINT: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    while (!output.includes('Ctrl-C') && Date.now() - started < 60_000 && child.exitCode === null) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(output, output).toContain(`http://localhost:${port}`);

    const dynamoPort = Number(/DynamoDB Local http:\/\/127\.0\.0\.1:(\d+)/.exec(output)?.[1]);
    expect(javaProcessesOn(dynamoPort)).toBe(1);

    const [tryNow, workSystems] = (output.split('Thử ngay (copy-paste):')[1] ?? '').split(
      'Hệ thống quản lý văn bản',
    );
    const commands = tryNow
      ?.split('\n')
      .map((l) => l.trim())
      .filter((l) => l.startsWith('TOKEN=') || l.startsWith('curl '));
    expect(commands).toHaveLength(3);
    const script = (commands ?? []).map((c, i) => (i === 0 ? c : `${c}; echo`)).join('\n');
    const printed = execFileSync('bash', ['-c', script], { encoding: 'utf8' }).trim().split('\n');
    const me = JSON.parse(printed[0] ?? '{}');
    expect(me).toMatchObject({ employeeId: 'stc-ns-03', pending: { selfAssessment: 1 } });
    const saved = JSON.parse(printed[1] ?? '{}');
    expect(saved).toMatchObject({ status: 'DRAFT', selfAssessment: { total: 85.5 } });

    // A work system feeds a product as printed: a machine client's token, then the feed.
    const feed = (workSystems ?? '')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.startsWith('FEED=') || l.startsWith('curl '));
    expect(feed).toHaveLength(2);
    const fed = JSON.parse(execFileSync('bash', ['-c', feed.join('\n')], { encoding: 'utf8' }).trim());
    expect(fed).toMatchObject({ source: 'qlvb-stc', received: 1 });
    // Evidence files go to the s3rver npm start runs on this machine.
    expect(output).toMatch(/S3 cục bộ: http:\/\/127\.0\.0\.1:\d+/);

    // The web app signs in through the local OpenID provider, on the same origin.
    const config = (await (await fetch(`http://localhost:${port}/config.json`)).json()) as {
      auth: { mode: string; issuer: string };
    };
    expect(config.auth).toMatchObject({ mode: 'oidc', issuer: `http://localhost:${port}/oidc` });
    const discovery = (await (
      await fetch(`${config.auth.issuer}/.well-known/openid-configuration`)
    ).json()) as Record<string, unknown>;
    expect(discovery).toMatchObject({
      issuer: config.auth.issuer,
      code_challenge_methods_supported: ['S256'],
    });
    // oidc-provider's notices (Node.js version, in-memory adapter) are not printed.
    expect(output).not.toContain('oidc-provider');

    child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => child?.once('exit', resolve));
    expect(code).toBe(0);
    // The engine is stopped before the server exits; give the process table a moment to show it.
    await expect.poll(() => javaProcessesOn(dynamoPort), { timeout: 5_000 }).toBe(0);
  }, 90_000);

  it('without Java, says in one line what to install, and exits', () => {
    // A PATH with node and nothing else: no java on it.
    const bin = mkdtempSync(join(tmpdir(), 'no-java-'));
    symlinkSync(process.execPath, join(bin, 'node'));
    const run = spawnSync(join(bin, 'node'), ['--import', 'tsx', 'functions/local/main.ts'], {
      env: { PATH: bin, LOCAL_DATA_DIR: 'memory', PORT: '0', HOME: process.env.HOME ?? '/tmp' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    const lines = `${run.stdout}${run.stderr}`.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('openjdk-17-jre-headless');
    expect(lines[0]).not.toMatch(/\bat \S+ \(/);
  });
});
