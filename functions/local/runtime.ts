/**
 * The local runtime shared by `npm start`, `npm run job` and `npm run seed`: an engine (embedded DynamoDB Local,
 * supervised and restarted if it dies or freezes, or the one DYNAMODB_ENDPOINT names), the lock on the data
 * folder, the table from the shared definition, demo data.
 */
import * as z from 'zod';
import { createDb, type Db } from '../../shared/store/client.ts';
import { createTableIfMissing } from '../../shared/store/create-table.ts';
import { createDynamoStore, type Store, setStore } from '../../shared/store/store.ts';
import { TABLE_NAME_ENV } from '../../shared/store/table-definition.ts';
import { type DataDirLock, lockDataDir } from './data-dir-lock.ts';
import { seedDemo } from './demo-data.ts';
import { type SupervisedEngine, superviseDynamoDbLocal } from './engine-supervisor.ts';

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
    const store = createDynamoStore(db);
    setStore(store);
    let seeded = null;
    if ((options.seed ?? true) && env.SEED === 'demo' && (await store.org.isEmpty()))
      seeded = await seedDemo(store);
    const ready = db;
    return {
      db: ready,
      store,
      env,
      engine,
      seeded,
      lock,
      stop: async () => {
        await engine?.stop();
        ready.client.destroy();
        lock?.release();
      },
    };
  } catch (error) {
    await engine?.stop();
    db?.client.destroy();
    lock?.release();
    throw error;
  }
}
