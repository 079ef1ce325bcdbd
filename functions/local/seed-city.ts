/**
 * `npm run seed -- [--staff 170000] [--units 3000] [--months 1] [--period YYYY-MM] [--seed N]`: fills the local
 * engine (the one `npm start` uses: LOCAL_DATA_DIR, or DYNAMODB_ENDPOINT / TABLE_NAME) with a generated city
 * (see city.ts), with a progress line on stderr. The last month is left OPEN, mostly approved, so that
 * compute-rankings, remind and close-period have real work: e.g.
 *   npm run seed -- --staff 20000 --units 400 && npm run job -- compute-rankings
 *
 * Stop `npm start` first when it uses the same data folder (the folder's lock file refuses a second process),
 * or point both at one engine with DYNAMODB_ENDPOINT. Seeding again writes the same items again (the generator is deterministic).
 */
import { cityRecordCount, generateCity, previousPeriod } from './city/generate.ts';
import { writeCity } from './city/write.ts';
import { DataDirInUseError } from './data-dir-lock.ts';
import { JavaMissingError } from './dynamodb-local.ts';
import { readLocalEnv, startLocalRuntime } from './runtime.ts';

function parseArgs(argv: string[]) {
  const options = {
    staff: 170_000,
    units: 3_000,
    months: 1,
    period: previousPeriod(new Date()),
    seed: 20_260_101,
  };
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i];
    const value = argv[i + 1];
    if (value === undefined) throw new Error(`missing value for ${name}`);
    i++;
    if (name === '--staff') options.staff = Number(value);
    else if (name === '--units') options.units = Number(value);
    else if (name === '--months') options.months = Number(value);
    else if (name === '--period') options.period = value;
    else if (name === '--seed') options.seed = Number(value);
    else throw new Error(`unknown option ${name}`);
  }
  for (const key of ['staff', 'units', 'months', 'seed'] as const) {
    if (!Number.isInteger(options[key]) || options[key] < 1)
      throw new Error(`--${key} must be a positive integer`);
  }
  if (options.months > 12) throw new Error('--months is at most 12');
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(options.period)) throw new Error('--period must be YYYY-MM');
  return options;
}

/** A progress line on stderr, redrawn in place: bar, percentage, rate and time left. */
export function progressLine(label: string, total: number, started: number) {
  let last = 0;
  return (done: number, force = false) => {
    const now = Date.now();
    if (!force && now - last < 200 && done < total) return;
    last = now;
    const ratio = total > 0 ? Math.min(1, done / total) : 1;
    const width = 30;
    const filled = Math.round(ratio * width);
    const seconds = (now - started) / 1000;
    const rate = seconds > 0 ? done / seconds : 0;
    const eta = rate > 0 ? Math.max(0, (total - done) / rate) : 0;
    const line = `${label} [${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${(ratio * 100).toFixed(1).padStart(5)}%  ${done.toLocaleString('vi-VN')}/${total.toLocaleString('vi-VN')} mục  ${Math.round(rate).toLocaleString('vi-VN')} mục/s  còn ~${Math.ceil(eta)} s`;
    process.stderr.write(process.stderr.isTTY ? `\r${line}` : `${line}\n`);
  };
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const env = readLocalEnv();
  const runtime = await startLocalRuntime(env, { seed: false, command: 'npm run seed' });
  try {
    const city = generateCity({
      staff: options.staff,
      units: options.units,
      months: options.months,
      lastPeriod: options.period,
      seed: options.seed,
    });
    const total = cityRecordCount(city);
    const started = Date.now();
    const progress = progressLine('Đang nạp', total, started);
    const written = await writeCity(runtime.store, city, { onProgress: (n) => progress(n) });
    progress(written, true);
    process.stderr.write('\n');
    console.log(
      `Đã nạp thành phố mẫu: ${city.units.length} đơn vị, ${city.employees.length} nhân sự, kỳ ${city.periods.join(', ')} ` +
        `(${written} mục, ${((Date.now() - started) / 1000).toFixed(1)} s) vào bảng ${env.TABLE_NAME}.`,
    );
    console.log(`Kỳ ${options.period} đang mở; thử: npm run job -- compute-rankings ${options.period}`);
  } finally {
    await runtime.stop();
  }
}

main().catch((error: unknown) => {
  if (error instanceof JavaMissingError || error instanceof DataDirInUseError) console.error(error.message);
  else {
    console.error('Không nạp được dữ liệu:', error instanceof Error ? error.message : error);
    console.error(
      'Nếu npm start đang chạy trên cùng thư mục dữ liệu, hãy dừng nó trước (DynamoDB Local khoá thư mục), hoặc trỏ cả hai vào một engine bằng DYNAMODB_ENDPOINT.',
    );
  }
  process.exit(1);
});
