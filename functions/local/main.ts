/**
 * `npm start`: the whole system on one machine. Takes the lock on LOCAL_DATA_DIR, starts DynamoDB Local (unless
 * DYNAMODB_ENDPOINT is set) and keeps it running, creates the table, seeds demo data into an empty table, serves
 * the API, and on Ctrl-C or SIGTERM stops taking requests, lets those in flight finish (10 s at most), then stops
 * the engine.
 */
import { periodOf } from '../../shared/domain/calendar.ts';
import { DataDirInUseError } from './data-dir-lock.ts';
import { DEMO_ACCOUNTS, DEMO_INCOME_TABLE } from './demo-data.ts';
import { JavaMissingError } from './dynamodb-local.ts';
import { localJobs } from './jobs-extension.ts';
import { loadLocalTokenKey } from './local-auth.ts';
import { createLocalOidc, type LocalOidc, serveLocalOidc, useLocalClaimNames } from './local-oidc.ts';
import { readLocalEnv, startLocalRuntime, useLocalMailSettings } from './runtime.ts';
import {
  LOCAL_MACHINE_CLIENTS,
  prepareEvidenceBucket,
  startS3Local,
  useLocalEvidence,
  useLocalMachineClients,
} from './s3-local.ts';
import { DEFAULT_GRACE_MS, startLocalServer } from './server.ts';
import { createWebApp, ensureWebBuild, serveWebApp, WEB_BUILD_MISSING } from './web-static.ts';

const started = Date.now();

async function main() {
  const env = readLocalEnv();
  // HR's income page needs a table; a city sets its own (INCOME_TABLE), the demo shows an example.
  if (!process.env.INCOME_TABLE) process.env.INCOME_TABLE = JSON.stringify(DEMO_INCOME_TABLE);
  // The claim names of the local OpenID provider, passed to the API as the CDK stack passes a city's.
  useLocalClaimNames();
  const dataDir = env.LOCAL_DATA_DIR === 'memory' ? null : env.LOCAL_DATA_DIR;
  // Evidence files go to a real S3 API on this machine (s3rver); the work systems of the demo may feed products.
  // Both before anything reads the configuration.
  // Another S3 API named by S3_ENDPOINT is used as it is; otherwise s3rver starts here.
  const external = process.env.S3_ENDPOINT;
  const s3 = external
    ? { endpoint: external, stop: () => Promise.resolve() }
    : await startS3Local({ dataDir });
  useLocalEvidence(s3.endpoint);
  useLocalMachineClients();
  const runtime = await startLocalRuntime(env, { command: 'npm start' }).catch(async (error: unknown) => {
    await s3.stop();
    throw error;
  });
  const tokenKey = loadLocalTokenKey(dataDir);
  const jobs = localJobs({
    store: runtime.store,
    mailer: runtime.mailer,
    ...(runtime.ses ? { viewer: runtime.ses.viewer } : {}),
  });
  // The provider's issuer names the port, known once the server listens (PORT=0 picks one).
  let identity: LocalOidc | undefined;
  let server: Awaited<ReturnType<typeof startLocalServer>>;
  try {
    server = await startLocalServer({
      port: env.PORT,
      tokenKey,
      verifyToken: (token) => identity?.verify(token) ?? Promise.resolve(null),
      host: '127.0.0.1',
      extensions: [jobs.extension],
      ...(runtime.engine ? { engine: runtime.engine } : {}),
    });
  } catch (error) {
    await runtime.stop();
    await s3.stop();
    throw error;
  }
  runtime.lock?.update({ port: Number(new URL(server.url).port) });
  const url = server.url.replace('127.0.0.1', 'localhost');
  const { port } = new URL(url);
  await prepareEvidenceBucket(s3.endpoint, process.env.EVIDENCE_BUCKET ?? '', [
    `http://localhost:${port}`,
    `http://127.0.0.1:${port}`,
    'http://localhost:5173',
    'http://127.0.0.1:5173',
  ]);
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
  const web = createWebApp({
    building: () => webBuilding,
    identity: identity.webAuth,
    connectOrigins: [s3.endpoint],
  });
  serveWebApp(server.server, web);
  serveLocalOidc(server.server, identity);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      // A second Ctrl-C does not wait for anything (the engine and the lock go with this process).
      console.log(`\n${signal} lần nữa: dừng ngay. (stopping now)`);
      process.exit(130);
    }
    stopping = true;
    console.log(
      `\n${signal}: đang dừng… không nhận yêu cầu mới, chờ các yêu cầu đang xử lý (tối đa ${DEFAULT_GRACE_MS / 1000} s). (stopping)`,
    );
    stopScheduler();
    const { abandoned } = await server.drain({ graceMs: DEFAULT_GRACE_MS });
    if (abandoned > 0)
      console.log(`  ${abandoned} yêu cầu chưa xong sau ${DEFAULT_GRACE_MS / 1000} s đã bị ngắt.`);
    await runtime.stop();
    await s3.stop();
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

Hệ thống quản lý văn bản cung cấp sản phẩm quy đổi (ứng dụng máy, OAuth client credentials; S3 cục bộ: ${s3.endpoint}):
  FEED=$(curl -s -X POST ${url}/local/token -H 'content-type: application/json' -d '{"clientId":"qlvb-stc","scopes":["tasks:write"]}' | sed -E 's/.*"token":"([^"]+)".*/\\1/')
  curl -s -X POST ${url}/v1/feeds/qlvb-stc/products -H "authorization: Bearer $FEED" -H 'content-type: application/json' -d '{"items":[{"employeeId":"stc-ns-03","period":"${period}","sourceId":"VB-1","title":"Báo cáo thẩm định dự toán","weight":1.5,"completedAt":"${period}-10","majorErrors":1}]}'
  (ứng dụng mẫu: ${Object.keys(LOCAL_MACHINE_CLIENTS).join(', ')})

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
  if (error instanceof JavaMissingError || error instanceof DataDirInUseError) console.error(error.message);
  else console.error('Không khởi động được:', error);
  process.exit(1);
});
