/**
 * `npm start`: the whole system on one machine. Starts DynamoDB Local (unless DYNAMODB_ENDPOINT is set),
 * creates the table, seeds demo data into an empty table, serves the API, and stops everything on Ctrl-C.
 */
import { periodOf } from '../../shared/domain/calendar.ts';
import { DEMO_ACCOUNTS } from './demo-data.ts';
import { JavaMissingError } from './dynamodb-local.ts';
import { localJobs } from './jobs-extension.ts';
import { loadLocalTokenKey } from './local-auth.ts';
import { createLocalOidc, type LocalOidc, serveLocalOidc, useLocalClaimNames } from './local-oidc.ts';
import { readLocalEnv, startLocalRuntime, useLocalMailSettings } from './runtime.ts';
import { startLocalServer } from './server.ts';
import { createWebApp, ensureWebBuild, serveWebApp, WEB_BUILD_MISSING } from './web-static.ts';

const started = Date.now();

async function main() {
  const env = readLocalEnv();
  // The claim names of the local OpenID provider, passed to the API as the CDK stack passes a city's.
  useLocalClaimNames();
  const runtime = await startLocalRuntime(env);
  const dataDir = env.LOCAL_DATA_DIR === 'memory' ? null : env.LOCAL_DATA_DIR;
  const tokenKey = loadLocalTokenKey(dataDir);
  const jobs = localJobs({
    store: runtime.store,
    mailer: runtime.mailer,
    ...(runtime.ses ? { viewer: runtime.ses.viewer } : {}),
  });
  // The provider's issuer names the port, known once the server listens (PORT=0 picks one).
  let identity: LocalOidc | undefined;
  const server = await startLocalServer({
    port: env.PORT,
    tokenKey,
    verifyToken: (token) => identity?.verify(token) ?? Promise.resolve(null),
    host: '127.0.0.1',
    extensions: [jobs.extension],
  });
  const url = server.url.replace('127.0.0.1', 'localhost');
  // The links in the reminders point at this server (its port is known now).
  if (env.PORT === 0)
    useLocalMailSettings({ PORT: Number(new URL(url).port) }, process.env.SES_ENDPOINT ?? '');
  identity = await createLocalOidc({
    origin: url,
    store: runtime.store,
    tableName: runtime.db.tableName,
    dataDir,
  });
  // The jobs fire on their schedule (Asia/Ho_Chi_Minh) inside the server; LOCAL_SCHEDULER=off keeps them manual.
  const stopScheduler = process.env.LOCAL_SCHEDULER === 'off' ? () => undefined : jobs.startScheduler();
  let webBuilding = true;
  const web = createWebApp({ building: () => webBuilding, identity: identity.webAuth });
  serveWebApp(server.server, web);
  serveLocalOidc(server.server, identity);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: đang dừng… (stopping)`);
    stopScheduler();
    await server.close();
    await runtime.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  const period = periodOf(new Date().toISOString()) ?? '';
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const engine = runtime.engine
    ? `DynamoDB Local ${runtime.engine.endpoint}`
    : `DynamoDB ${env.DYNAMODB_ENDPOINT}`;
  const seed = runtime.seeded
    ? `dữ liệu mẫu: ${runtime.seeded.units} đơn vị, ${runtime.seeded.staff} nhân sự, kỳ ${runtime.seeded.period} đã mở`
    : 'dữ liệu có sẵn (không nạp lại dữ liệu mẫu)';
  const webLine = `Giao diện web: ${url}/  (đăng nhập qua máy chủ OpenID trên máy ${identity.issuer}: chọn tài khoản mẫu)`;
  console.log(`
Hệ thống đánh giá, xếp loại hằng tháng — API đang chạy tại ${url}  (sẵn sàng sau ${seconds} s)
  ${engine}, bảng ${env.TABLE_NAME}; ${seed}
  ${webLine}
  OpenAPI: ${url}/v1/openapi.json (cần token)

Tài khoản mẫu (trang đăng nhập của ${identity.issuer}, hoặc POST /local/token với employeeId và groups cho script):
${DEMO_ACCOUNTS.map((a) => `  - ${a.role.padEnd(36)} ${JSON.stringify({ employeeId: a.employeeId, groups: a.groups })}`).join('\n')}

Thử ngay (copy-paste):
  TOKEN=$(curl -s -X POST ${url}/local/token -H 'content-type: application/json' -d '{"employeeId":"stc-ns-03"}' | sed -E 's/.*"token":"([^"]+)".*/\\1/')
  curl -s ${url}/v1/me -H "authorization: Bearer $TOKEN"
  curl -s -X PUT ${url}/v1/evaluations/stc-ns-03/${period}/self-assessment -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' -d '{"scores":{"discipline":18,"duties":62.5,"bonus":5},"comment":"Hoàn thành tốt nhiệm vụ tháng này."}'

Tác vụ định kỳ chạy theo lịch (giờ Việt Nam)${process.env.LOCAL_SCHEDULER === 'off' ? ' — đang tắt (LOCAL_SCHEDULER=off)' : ''}; chạy ngay: npm run job -- <tên> [kỳ]
  Lịch: ${url}/local/jobs   Hộp thư nhắc việc (outbox): ${url}/local/outbox
  Thư đã gửi (SES giả lập aws-ses-v2-local): ${runtime.ses ? runtime.ses.viewer : process.env.SES_ENDPOINT}${runtime.ses && env.SES_LOCAL_RATE > 0 ? ` — giới hạn ${env.SES_LOCAL_RATE} thư/giây như SES` : ''}

Ctrl-C để dừng (DynamoDB Local dừng theo).
`);
  // npm ci builds the web app (postinstall); after an edit under web/ it is rebuilt here, without delaying the API.
  const built = await ensureWebBuild();
  webBuilding = false;
  if (built.status === 'built') console.log(`Giao diện web: đã build lại (${built.seconds.toFixed(1)} s).`);
  if (built.status === 'failed')
    console.error(`Giao diện web: build lỗi: ${built.message}\n${WEB_BUILD_MISSING}`);
}

main().catch((error: unknown) => {
  if (error instanceof JavaMissingError) console.error(error.message);
  else console.error('Không khởi động được:', error);
  process.exit(1);
});
