/**
 * Supervision of the DynamoDB Local that the local runtime started. The engine is watched two ways: its process
 * exiting, and a trivial request every second. While it is down (exited, or not answering twice in a row) the
 * local server answers 503 before touching it; an engine that has not answered three times in a row is killed.
 * Either way it is started again on the same port and data folder, and counts as up once it answers and the
 * table is there. One console line says it went down, one that it is back.
 */
import { engineAnswers, freePort, type RunningDynamoDb, startDynamoDbLocal } from './dynamodb-local.ts';

export interface SupervisedEngine {
  readonly endpoint: string;
  /** Answering and ready: the server may send it requests. */
  isUp(): boolean;
  /** The engine's current Java process. */
  pid(): number;
  /** Stops supervising, then the engine. */
  stop(): Promise<void>;
}

export interface SupervisionTiming {
  probeIntervalMs: number;
  probeTimeoutMs: number;
  /** Failed probes in a row after which the engine counts as down (503). */
  downAfter: number;
  /** Failed probes in a row after which it is killed and started again. */
  restartAfter: number;
}

export const DEFAULT_TIMING: SupervisionTiming = {
  probeIntervalMs: 1_000,
  // Generous: a busy engine on a loaded machine must not be taken for a frozen one.
  probeTimeoutMs: 2_000,
  downAfter: 2,
  restartAfter: 3,
};

export interface SupervisorOptions {
  dataDir: string | null;
  /** Runs after every start, before the engine counts as up (e.g. creates the table if missing). */
  prepare(endpoint: string): Promise<void>;
  /** Told the pid of every engine process started. */
  onStart?(pid: number): void;
  log?(line: string): void;
  timing?: SupervisionTiming;
}

type State = 'up' | 'unresponsive' | 'restarting' | 'stopped';

const sleep = (ms: number) =>
  new Promise<void>((done) => {
    // Supervision alone must not keep a process alive.
    setTimeout(done, ms).unref();
  });
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export async function superviseDynamoDbLocal(options: SupervisorOptions): Promise<SupervisedEngine> {
  const timing = options.timing ?? DEFAULT_TIMING;
  const log = options.log ?? ((line: string) => console.log(line));
  const where = options.dataDir === null ? 'trong bộ nhớ' : `trên thư mục dữ liệu ${options.dataDir}`;
  const port = await freePort();

  let engine: RunningDynamoDb = await startDynamoDbLocal({ dataDir: options.dataDir, port });
  try {
    options.onStart?.(engine.pid);
    await options.prepare(engine.endpoint);
  } catch (error) {
    await engine.stop();
    throw error;
  }
  let state: State = 'up';
  let failures = 0;
  let downSince = 0;

  const goDown = (next: State, why: string) => {
    if (state === 'up') {
      downSince = Date.now();
      log(
        `[DynamoDB Local] ${why}: API trả 503 (SERVICE_UNAVAILABLE) cho tới khi nó chạy lại. (engine down)`,
      );
    }
    state = next;
  };

  const restart = async () => {
    for (let attempt = 0; state === 'restarting'; attempt++) {
      let next: RunningDynamoDb | undefined;
      try {
        next = await startDynamoDbLocal({ dataDir: options.dataDir, port });
        if (state !== 'restarting') return void (await next.stop());
        engine = next;
        watch(next);
        options.onStart?.(next.pid);
        await options.prepare(next.endpoint);
        if (state !== 'restarting') return;
        failures = 0;
        state = 'up';
        const lost = options.dataDir === null ? ' Dữ liệu trong bộ nhớ đã mất: bảng trống.' : '';
        log(
          `[DynamoDB Local] đã chạy lại ${where} sau ${seconds(Date.now() - downSince)} (pid ${next.pid}): ` +
            `API phục vụ bình thường.${lost} (engine back)`,
        );
        return;
      } catch (error) {
        await next?.stop();
        if (state !== 'restarting') return;
        const wait = Math.min(500 * 2 ** attempt, 10_000);
        const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
        log(`[DynamoDB Local] chưa khởi động lại được (${reason}); thử lại sau ${seconds(wait)}.`);
        await sleep(wait);
      }
    }
  };

  function watch(running: RunningDynamoDb) {
    void running.exited.then(({ code, signal }) => {
      // Exits while restarting or stopping are the restart loop's or stop's own business.
      if (running !== engine || (state !== 'up' && state !== 'unresponsive')) return;
      goDown('restarting', `đã dừng (${signal ?? `mã thoát ${code}`}), đang khởi động lại ${where}`);
      void restart();
    });
  }
  watch(engine);

  const probe = async () => {
    while (state !== 'stopped') {
      await sleep(timing.probeIntervalMs);
      if (state !== 'up' && state !== 'unresponsive') continue;
      const probed = engine;
      const answered = await engineAnswers(probed.endpoint, timing.probeTimeoutMs);
      if (probed !== engine || (state !== 'up' && state !== 'unresponsive')) continue;
      if (answered) {
        failures = 0;
        if (state === 'unresponsive') {
          state = 'up';
          log(
            `[DynamoDB Local] trả lời lại sau ${seconds(Date.now() - downSince)}: API phục vụ bình thường. (engine back)`,
          );
        }
        continue;
      }
      failures++;
      const silentFor = seconds(failures * (timing.probeIntervalMs + timing.probeTimeoutMs));
      if (failures >= timing.downAfter && state === 'up')
        goDown('unresponsive', `không trả lời (${silentFor}); khởi động lại nếu vẫn treo`);
      if (failures >= timing.restartAfter) {
        state = 'restarting';
        // A frozen process only yields to SIGKILL.
        probed.kill('SIGKILL');
        await probed.exited;
        void restart();
      }
    }
  };
  void probe();

  return {
    endpoint: engine.endpoint,
    isUp: () => state === 'up',
    pid: () => engine.pid,
    stop: async () => {
      state = 'stopped';
      await engine.stop();
    },
  };
}
