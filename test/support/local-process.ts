/**
 * The local server as `npm start` runs it, in its own process (node, not npm, so that the pid is the server's
 * and a signal reaches it, not npm), on a data folder of the test's: start it, read what it prints, find its
 * DynamoDB Local, signal either, and talk to it over HTTP.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createDb, type Db } from '../../shared/store/client.ts';

export interface LocalProcess {
  child: ChildProcess;
  pid: number;
  url: string;
  port: number;
  /** DynamoDB Local's port, as the start banner prints it. */
  enginePort: number;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves once the output matches (counting from `from`, an offset into the output). */
  waitForOutput(pattern: RegExp, timeoutMs: number, from?: number): Promise<string>;
  /** A client on the engine and the table, to look at the data directly. */
  db(): Db;
}

export const TABLE_NAME = 'danh-gia-local';

/** Pids of the DynamoDB Local processes listening (or meant to listen) on this port. */
export function enginePids(port: number): number[] {
  const lines = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' }).split('\n');
  return lines
    .filter((line) => line.includes('DynamoDBLocal') && new RegExp(`-port ${port}(\\s|$)`).test(line))
    .map((line) => Number.parseInt(line.trim(), 10))
    .filter((pid) => pid > 1);
}

/** Pids of the DynamoDB Local processes using this data folder. */
export function enginesOnDataDir(dataDir: string): number[] {
  const lines = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' }).split('\n');
  return lines
    .filter((line) => line.includes('DynamoDBLocal') && line.includes(`-dbPath ${dataDir}`))
    .map((line) => Number.parseInt(line.trim(), 10))
    .filter((pid) => pid > 1);
}

export async function until<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs: number,
  everyMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Spawns the server; resolves when it is serving (or rejects with its output if it stops first). */
export function spawnLocal(options: { dataDir: string; port: number; env?: Record<string, string> }): {
  child: ChildProcess;
  output: () => string;
  exited: LocalProcess['exited'];
} {
  const child = spawn(process.execPath, ['--import', 'tsx', 'functions/local/main.ts'], {
    env: {
      ...process.env,
      PORT: String(options.port),
      LOCAL_DATA_DIR: options.dataDir,
      SEED: 'demo',
      LOCAL_SCHEDULER: 'off',
      DYNAMODB_ENDPOINT: '',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const append = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once('exit', (code, signal) => done({ code, signal })),
  );
  return { child, output: () => output, exited };
}

export async function startLocal(options: { dataDir: string; port: number }): Promise<LocalProcess> {
  const { child, output, exited } = spawnLocal(options);
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  const waitForOutput = async (pattern: RegExp, timeoutMs: number, from = 0) =>
    until(
      `${pattern} in the server's output`,
      () => {
        const match = pattern.exec(output().slice(from));
        if (match) return match[0];
        if (gone) throw new Error(`the server exited before printing ${pattern}:\n${output()}`);
        return undefined;
      },
      timeoutMs,
    );
  await waitForOutput(/Ctrl-C/, 60_000);
  const enginePort = Number(/DynamoDB Local http:\/\/127\.0\.0\.1:(\d+)/.exec(output())?.[1]);
  if (!enginePort) throw new Error(`no engine port in the output:\n${output()}`);
  let db: Db | undefined;
  return {
    child,
    pid: child.pid ?? 0,
    url: `http://127.0.0.1:${options.port}`,
    port: options.port,
    enginePort,
    output,
    exited,
    waitForOutput,
    db: () => {
      db ??= createDb({ tableName: TABLE_NAME, endpoint: `http://127.0.0.1:${enginePort}` });
      return db;
    },
  };
}

export async function tokenFor(url: string, employeeId: string): Promise<string> {
  const res = await fetch(`${url}/local/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ employeeId }),
  });
  const body = (await res.json()) as { token?: string };
  if (!body.token) throw new Error(`no token for ${employeeId}: ${JSON.stringify(body)}`);
  return body.token;
}
