/**
 * The local runtime shared by `npm start`, `npm run job` and the end-to-end tests: an engine (embedded
 * DynamoDB Local, or the one DYNAMODB_ENDPOINT names), the table from the shared definition, demo data.
 */
import * as z from 'zod';
import { createDb, type Db } from '../../shared/store/client.ts';
import { createTableIfMissing } from '../../shared/store/create-table.ts';
import { createDynamoStore, type Store, setStore } from '../../shared/store/store.ts';
import { TABLE_NAME_ENV } from '../../shared/store/table-definition.ts';
import { seedDemo } from './demo-data.ts';
import { type RunningDynamoDb, startDynamoDbLocal } from './dynamodb-local.ts';

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

export interface LocalRuntime {
  db: Db;
  store: Store;
  env: LocalEnv;
  engine: RunningDynamoDb | null;
  seeded: { period: string; units: number; staff: number } | null;
  stop(): Promise<void>;
}

export async function startLocalRuntime(
  env: LocalEnv,
  options: { seed?: boolean } = {},
): Promise<LocalRuntime> {
  const dataDir = env.LOCAL_DATA_DIR === 'memory' ? null : env.LOCAL_DATA_DIR;
  const engine = env.DYNAMODB_ENDPOINT ? null : await startDynamoDbLocal({ dataDir });
  const endpoint = env.DYNAMODB_ENDPOINT ?? engine?.endpoint;
  const db = createDb({ tableName: env.TABLE_NAME, endpoint });
  // The handlers read their configuration as in Lambda: the table's name and where the engine is.
  process.env[TABLE_NAME_ENV] = env.TABLE_NAME;
  if (endpoint) process.env.DYNAMODB_ENDPOINT = endpoint;
  try {
    await createTableIfMissing(db.client, db.tableName);
    const store = createDynamoStore(db);
    setStore(store);
    let seeded = null;
    if ((options.seed ?? true) && env.SEED === 'demo' && (await store.org.isEmpty()))
      seeded = await seedDemo(store);
    return {
      db,
      store,
      env,
      engine,
      seeded,
      stop: async () => {
        db.client.destroy();
        await engine?.stop();
      },
    };
  } catch (error) {
    await engine?.stop();
    throw error;
  }
}
