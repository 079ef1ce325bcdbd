/**
 * `npm run migrate -- inbox-keys [--dry-run] [--segments 4] [--max-pages N]`: runs a data migration on the table,
 * resumably (docs/DEPLOY.md "Migrating the table"). By default on the local engine `npm start` uses (LOCAL_DATA_DIR,
 * or DYNAMODB_ENDPOINT / TABLE_NAME); with `AWS_TARGET=1` on the table TABLE_NAME in AWS (the usual AWS credentials
 * and region from the environment).
 *
 * `--dry-run` counts what would change and writes nothing; `--max-pages` stops after that many Scan pages (the next
 * run goes on from the checkpoint); running it again after the end finds nothing to do.
 */
import { createDb } from '../../shared/store/client.ts';
import { INBOX_KEYS_MIGRATION, migrateInboxKeys } from '../../shared/store/migrate-inbox-keys.ts';
import { readLocalEnv, startLocalRuntime } from './runtime.ts';

function parseArgs(argv: string[]) {
  const [name, ...rest] = argv;
  if (name !== INBOX_KEYS_MIGRATION) {
    console.error(
      `Cách dùng: npm run migrate -- ${INBOX_KEYS_MIGRATION} [--dry-run] [--segments 4] [--max-pages N]`,
    );
    process.exit(2);
  }
  const options: { dryRun: boolean; segments: number; maxPages?: number } = { dryRun: false, segments: 4 };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === '--dry-run') options.dryRun = true;
    else if (arg === '--segments') options.segments = Number(rest[++i]);
    else if (arg === '--max-pages') options.maxPages = Number(rest[++i]);
    else throw new Error(`unknown option ${arg}`);
  }
  for (const n of [options.segments, options.maxPages ?? 1])
    if (!Number.isInteger(n) || n < 1) throw new Error('--segments and --max-pages take a positive integer');
  return options;
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const inAws = process.env.AWS_TARGET === '1';
  const tableName = process.env.TABLE_NAME;
  if (inAws && !tableName) throw new Error('AWS_TARGET=1 needs TABLE_NAME');
  const runtime = inAws
    ? null
    : await startLocalRuntime(readLocalEnv(), { seed: false, command: 'npm run migrate' });
  const db = runtime ? runtime.db : createDb({ tableName: tableName as string });
  try {
    const started = Date.now();
    const report = await migrateInboxKeys(db, options);
    console.log(
      `${report.dryRun ? 'Chạy thử (không ghi gì)' : 'Đã chạy'} ${INBOX_KEYS_MIGRATION} trên bảng ${db.tableName}: ` +
        `đọc ${report.scanned} mục, ${report.found} phiếu theo thiết kế cũ, chuyển ${report.migrated}; ` +
        `${report.complete ? 'đã xong toàn bảng' : 'chưa hết bảng, chạy lại để tiếp tục'} ` +
        `(${((Date.now() - started) / 1000).toFixed(1)} s).`,
    );
  } finally {
    await runtime?.stop();
  }
}

await main();
