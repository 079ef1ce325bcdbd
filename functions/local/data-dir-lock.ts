/**
 * One process at a time per LOCAL_DATA_DIR. DynamoDB Local does not lock its database file: two engines on the
 * same folder would both write it. Whoever starts an engine on a data folder (`npm start`, `npm run job`,
 * `npm run seed`) first takes `<dir>/local-runtime.lock`, a small JSON file naming its process and engine.
 *
 * A lock whose process is gone (it was SIGKILLed, the machine crashed) is stale and is taken over; if that
 * process's engine is somehow still running, it is given a moment to notice (it stops when its parent is gone)
 * and is then killed, so two engines never share the files.
 */
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { basename, join, resolve } from 'node:path';

export const LOCK_FILE = 'local-runtime.lock';

export interface LockHolder {
  pid: number;
  /** The script, to tell a live holder from an unrelated process that reuses its pid. */
  script: string;
  command: string;
  startedAt: string;
  port?: number;
  enginePid?: number;
}

export class DataDirInUseError extends Error {
  constructor(dataDir: string, holder: LockHolder) {
    const since = new Date(holder.startedAt).toLocaleString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh' });
    super(
      `Thư mục dữ liệu ${dataDir} đang được tiến trình khác dùng (pid ${holder.pid}, ${holder.command}` +
        `${holder.port ? `, cổng ${holder.port}` : ''}, từ ${since}): hai tiến trình không được dùng chung tệp dữ liệu ` +
        `của DynamoDB Local. Dừng tiến trình đó, hoặc đặt LOCAL_DATA_DIR khác. ` +
        `(LOCAL_DATA_DIR is locked by process ${holder.pid}; see ${join(dataDir, LOCK_FILE)}.)`,
    );
    this.name = 'DataDirInUseError';
  }
}

export interface DataDirLock {
  readonly file: string;
  /** Records facts learnt after start (the port, the engine's pid after a restart). */
  update(fields: Partial<Pick<LockHolder, 'port' | 'enginePid'>>): void;
  release(): void;
}

function readHolder(file: string): LockHolder | null {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockHolder>;
    return isPid(parsed.pid) ? (parsed as LockHolder) : null;
  } catch {
    return null;
  }
}

/** The command line of a process, where the system shows it (Linux); null elsewhere or when it is gone. */
function commandLine(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return null;
  }
}

/** A real process id: never 0 or negative, which `kill` reads as whole process groups. */
const isPid = (value: unknown): value is number => Number.isInteger(value) && (value as number) > 1;

function isRunning(pid: number): boolean {
  if (!isPid(pid)) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Is the holder still alive (and not some other program that got its pid since)? */
function holderAlive(holder: LockHolder): boolean {
  if (holder.pid === process.pid || !isRunning(holder.pid)) return false;
  const cmdline = commandLine(holder.pid);
  return cmdline === null || cmdline.includes(holder.script);
}

async function waitForStaleEngine(enginePid: number | undefined): Promise<void> {
  if (!isPid(enginePid)) return;
  const isEngine = () => isRunning(enginePid) && (commandLine(enginePid) ?? '').includes('DynamoDBLocal');
  const deadline = Date.now() + 5_000;
  while (isEngine() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (isEngine()) process.kill(enginePid, 'SIGKILL');
}

function tryCreate(file: string, holder: LockHolder): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, JSON.stringify(holder));
  } finally {
    closeSync(fd);
  }
  return true;
}

export async function lockDataDir(
  dataDir: string,
  info: { command: string; port?: number },
): Promise<DataDirLock> {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, LOCK_FILE);
  const holder: LockHolder = {
    pid: process.pid,
    script: basename(process.argv[1] ?? 'node'),
    command: info.command,
    startedAt: new Date().toISOString(),
    ...(info.port === undefined ? {} : { port: info.port }),
  };
  for (let attempt = 0; ; attempt++) {
    if (tryCreate(file, holder)) break;
    const current = readHolder(file);
    if (current === null && attempt === 0) {
      // Being written by a process that just created it: look again.
      await new Promise((r) => setTimeout(r, 200));
      continue;
    }
    if (current && holderAlive(current)) throw new DataDirInUseError(dataDir, current);
    if (attempt >= 3)
      throw new Error(`Không lấy được khoá ${file}; xoá tệp này nếu không còn tiến trình nào dùng nó.`);
    await waitForStaleEngine(current?.enginePid);
    // Stale: remove it, unless another process took it over meanwhile.
    const again = readHolder(file);
    if (again?.pid === current?.pid && again?.startedAt === current?.startedAt) {
      try {
        unlinkSync(file);
      } catch {
        // already gone
      }
    }
  }

  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.removeListener('exit', release);
    // Only our own lock: never remove one a later process took over.
    if (readHolder(file)?.pid === process.pid && existsSync(file)) unlinkSync(file);
  };
  process.once('exit', release);
  return {
    file,
    update(fields) {
      Object.assign(holder, fields);
      if (released) return;
      // Replaced in one step: a reader never sees a half-written file.
      const next = `${file}.${process.pid}`;
      writeFileSync(next, JSON.stringify(holder), { mode: 0o600 });
      renameSync(next, file);
    },
    release,
  };
}
