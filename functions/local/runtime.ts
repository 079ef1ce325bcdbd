/**
 * The local runtime shared by `npm start`, `npm run job` and `npm run seed`: an engine (embedded DynamoDB Local,
 * supervised and restarted if it dies or freezes, or the one DYNAMODB_ENDPOINT names), the lock on the data
 * folder, the table from the shared definition, demo data.
 */
import * as z from 'zod';
import type { Mailer } from '../../shared/app/jobs/types.ts';
import { readConfig, setConfig } from '../../shared/config.ts';
import { mailerFromConfig } from '../../shared/jobs/ses-mailer.ts';
import { createDb, type Db } from '../../shared/store/client.ts';
import { createTableIfMissing } from '../../shared/store/create-table.ts';
import { createDynamoStore, type Store, setStore } from '../../shared/store/store.ts';
import { TABLE_NAME_ENV } from '../../shared/store/table-definition.ts';
import { type DataDirLock, lockDataDir } from './data-dir-lock.ts';
import { seedDemo } from './demo-data.ts';
import { type SupervisedEngine, superviseDynamoDbLocal } from './engine-supervisor.ts';
import { bridgeSesEvents, type RunningSes, startSesLocal } from './ses-local.ts';

// Locally we run on Node 20 on purpose (Lambda runs Node 22): the SDK's notice about its future Node 22
// requirement says nothing a developer here can act on.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DYNAMODB_ENDPOINT: z.url().optional(),
  LOCAL_DATA_DIR: z.string().min(1).default('.data'),
  SEED: z.enum(['demo', 'none']).default('demo'),
  TABLE_NAME: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{3,255}$/)
    .default('danh-gia-local'),
  /** Another SES v2 endpoint (another emulator); unset: aws-ses-v2-local starts in this process. */
  SES_ENDPOINT: z.url().optional(),
  /** The emulator's port (0: any free port). */
  SES_LOCAL_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  /** The emulator's send rate, as SES's (a new production account: 14 a second); 0: none. */
  SES_LOCAL_RATE: z.coerce.number().min(0).default(14),
});

export type LocalEnv = z.output<typeof envSchema>;

export function readLocalEnv(env: NodeJS.ProcessEnv = process.env): LocalEnv {
  // An empty variable (`DYNAMODB_ENDPOINT=`) means unset, as in a shell.
  const set = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = envSchema.safeParse(set);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid environment: ${problems}`);
  }
  return parsed.data;
}

/**
 * Each DynamoDB call gets a few seconds, retried once: against a dead or frozen engine a request fails (503) in
 * well under API Gateway's 29 s instead of hanging; DynamoDB Local answers any sound request far faster.
 */
export const LOCAL_DB_CLIENT_CONFIG = {
  maxAttempts: 2,
  requestHandler: { connectionTimeout: 1_000, requestTimeout: 4_000, throwOnRequestTimeout: true },
};

export interface LocalRuntime {
  db: Db;
  store: Store;
  env: LocalEnv;
  /** The DynamoDB Local this runtime started and supervises; null with DYNAMODB_ENDPOINT. */
  engine: SupervisedEngine | null;
  /** The SES emulator (null when SES_ENDPOINT names another one) and the reminders' mailer. */
  ses: RunningSes | null;
  mailer: Mailer;
  seeded: { period: string; units: number; staff: number } | null;
  /** The lock on LOCAL_DATA_DIR, when this runtime's engine uses it. */
  lock: DataDirLock | null;
  stop(): Promise<void>;
}

export interface RuntimeOptions {
  seed?: boolean;
  /** Who holds the data folder, for the lock file and the message a second process gets. */
  command?: string;
  /** Where supervision reports the engine going down and coming back; the console by default. */
  log?: (line: string) => void;
}

export async function startLocalRuntime(env: LocalEnv, options: RuntimeOptions = {}): Promise<LocalRuntime> {
  const dataDir = env.LOCAL_DATA_DIR === 'memory' ? null : env.LOCAL_DATA_DIR;
  // Only an engine started here opens the data folder's database file.
  let lock: DataDirLock | null = null;
  if (!env.DYNAMODB_ENDPOINT && dataDir !== null)
    lock = await lockDataDir(dataDir, { command: options.command ?? 'npm start' });
  let engine: SupervisedEngine | null = null;
  let db: Db | undefined;
  let ses: RunningSes | null = null;
  try {
    if (!env.DYNAMODB_ENDPOINT) {
      engine = await superviseDynamoDbLocal({
        dataDir,
        ...(options.log ? { log: options.log } : {}),
        onStart: (pid) => lock?.update({ enginePid: pid }),
        // After a restart of an in-memory engine the table is gone: make it again.
        prepare: async (endpoint) => {
          db ??= createDb({ tableName: env.TABLE_NAME, endpoint, clientConfig: LOCAL_DB_CLIENT_CONFIG });
          await createTableIfMissing(db.client, db.tableName);
        },
      });
    }
    db ??= createDb({
      tableName: env.TABLE_NAME,
      endpoint: env.DYNAMODB_ENDPOINT,
      clientConfig: LOCAL_DB_CLIENT_CONFIG,
    });
    if (!engine) await createTableIfMissing(db.client, db.tableName);
    // The handlers read their configuration as in Lambda: the table's name and where the engine is; they use
    // this runtime's store (its calls bounded in time) rather than making their own.
    process.env[TABLE_NAME_ENV] = env.TABLE_NAME;
    const endpoint = env.DYNAMODB_ENDPOINT ?? engine?.endpoint;
    if (endpoint) process.env.DYNAMODB_ENDPOINT = endpoint;
    ses = env.SES_ENDPOINT
      ? null
      : await startSesLocal({
          port: env.SES_LOCAL_PORT,
          ratePerSecond: env.SES_LOCAL_RATE > 0 ? env.SES_LOCAL_RATE : null,
        });
    useLocalMailSettings(env, env.SES_ENDPOINT ?? ses?.endpoint ?? '');
    const mailer = mailerFromConfig(readConfig(process.env));
    if (!mailer) throw new Error('REMINDER_SENDER is not set');
    const store = createDynamoStore(db);
    setStore(store);
    // SES's events (Send, Bounce, Complaint) from what the emulator accepted, into the same handler as in AWS.
    const bridge = ses ? bridgeSesEvents(ses, store) : null;
    let seeded = null;
    if ((options.seed ?? true) && env.SEED === 'demo' && (await store.org.isEmpty()))
      seeded = await seedDemo(store);
    const ready = db;
    const running = ses;
    return {
      db: ready,
      store,
      ses: running,
      mailer,
      env,
      engine,
      seeded,
      lock,
      stop: async () => {
        bridge?.stop();
        await running?.stop();
        await engine?.stop();
        ready.client.destroy();
        lock?.release();
      },
    };
  } catch (error) {
    await ses?.stop();
    await engine?.stop();
    db?.client.destroy();
    lock?.release();
    throw error;
  }
}

/**
 * The reminders' settings on this machine, as the CDK stack sets them in AWS: the emulator's endpoint, a sender,
 * the links to this server, and a short claim lease (30 s: a crashed local run is retried soon). Variables already
 * set are kept.
 */
export function useLocalMailSettings(env: Pick<LocalEnv, 'PORT'>, sesEndpoint: string): void {
  process.env.SES_ENDPOINT = sesEndpoint;
  process.env.REMINDER_SENDER ||= 'nhac-viec@danhgia.localhost';
  process.env.APP_URL ||= `http://localhost:${env.PORT}`;
  process.env.REMINDER_CLAIM_SECONDS ||= '30';
  setConfig(readConfig(process.env));
}
