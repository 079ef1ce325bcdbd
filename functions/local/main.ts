/**
 * `npm start`: the whole system on one machine. Starts DynamoDB Local (unless DYNAMODB_ENDPOINT is set),
 * creates the table, seeds demo data into an empty table, serves the API, and stops everything on Ctrl-C.
 */
import { periodOf } from '../../shared/domain/calendar.ts';
import { DEMO_ACCOUNTS } from './demo-data.ts';
import { JavaMissingError } from './dynamodb-local.ts';
import { loadLocalTokenKey } from './local-auth.ts';
import { readLocalEnv, startLocalRuntime } from './runtime.ts';
import { startLocalServer } from './server.ts';

const started = Date.now();

async function main() {
  const env = readLocalEnv();
  const runtime = await startLocalRuntime(env);
  const tokenKey = loadLocalTokenKey(env.LOCAL_DATA_DIR === 'memory' ? null : env.LOCAL_DATA_DIR);
  const server = await startLocalServer({ port: env.PORT, tokenKey, host: '127.0.0.1' });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: đang dừng… (stopping)`);
    await server.close();
    await runtime.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  const url = server.url.replace('127.0.0.1', 'localhost');
  const period = periodOf(new Date().toISOString()) ?? '';
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const engine = runtime.engine ? `DynamoDB Local ${runtime.engine.endpoint}` : `DynamoDB ${env.DYNAMODB_ENDPOINT}`;
  const seed = runtime.seeded
    ? `dữ liệu mẫu: ${runtime.seeded.units} đơn vị, ${runtime.seeded.staff} nhân sự, kỳ ${runtime.seeded.period} đã mở`
    : 'dữ liệu có sẵn (không nạp lại dữ liệu mẫu)';
  console.log(`
Hệ thống đánh giá, xếp loại hằng tháng — API đang chạy tại ${url}  (sẵn sàng sau ${seconds} s)
  ${engine}, bảng ${env.TABLE_NAME}; ${seed}
  OpenAPI: ${url}/v1/openapi.json (cần token)

Tài khoản mẫu (POST /local/token với employeeId và groups):
${DEMO_ACCOUNTS.map((a) => `  - ${a.role.padEnd(36)} ${JSON.stringify({ employeeId: a.employeeId, groups: a.groups })}`).join('\n')}

Thử ngay (copy-paste):
  TOKEN=$(curl -s -X POST ${url}/local/token -H 'content-type: application/json' -d '{"employeeId":"stc-ns-03"}' | sed -E 's/.*"token":"([^"]+)".*/\\1/')
  curl -s ${url}/v1/me -H "authorization: Bearer $TOKEN"
  curl -s -X PUT ${url}/v1/evaluations/stc-ns-03/${period}/self-assessment -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' -d '{"scores":{"discipline":18,"duties":62.5,"bonus":5},"comment":"Hoàn thành tốt nhiệm vụ tháng này."}'

Ctrl-C để dừng (DynamoDB Local dừng theo).
`);
}

main().catch((error: unknown) => {
  if (error instanceof JavaMissingError) console.error(error.message);
  else console.error('Không khởi động được:', error);
  process.exit(1);
});
