/**
 * `npm start` as a newcomer runs it: it serves within 15 s, the curl commands it prints work as printed, and
 * SIGTERM stops the server and DynamoDB Local, leaving no process behind.
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
    while (!output.includes('Ctrl-C') && Date.now() - started < 30_000 && child.exitCode === null) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const readyAfter = Date.now() - started;
    expect(output, output).toContain(`http://localhost:${port}`);
    expect(readyAfter).toBeLessThan(15_000);

    const dynamoPort = Number(/DynamoDB Local http:\/\/127\.0\.0\.1:(\d+)/.exec(output)?.[1]);
    expect(javaProcessesOn(dynamoPort)).toBe(1);

    const commands = output
      .split('Thử ngay (copy-paste):')[1]
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

    child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => child?.once('exit', resolve));
    expect(code).toBe(0);
    await new Promise((r) => setTimeout(r, 500));
    expect(javaProcessesOn(dynamoPort)).toBe(0);
  }, 60_000);

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
