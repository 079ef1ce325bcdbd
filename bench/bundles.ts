/**
 * `npm run bench -- bundles [--runs N] [--only name,name]`: every function of the route and schedule table,
 * bundled exactly as the CDK construct bundles it (the same `BUNDLE` options from infra/bundling.ts), with
 *
 * - its size (minified `index.mjs`, the source map not counted: it is read only when a stack trace is printed), and
 * - its module-initialisation time: a fresh `node --enable-source-maps` process imports the bundle (what Lambda
 *   does in its init phase, minus the runtime's own bootstrap), N times, median,
 *
 * side by side with a baseline bundle that only creates a DynamoDB DocumentClient, measured in the same rounds
 * (interleaved, so that a noisy moment hits both). Targets: every bundle ≤ MAX_BUNDLE_BYTES (320 KB), init ≤ 1.5 × the baseline.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import {
  BUNDLE,
  type BundleEntry,
  bundleEntries,
  esbuildOptions,
  MAX_BUNDLE_BYTES,
  MAX_DOCS_BUNDLE_BYTES,
  maxBundleBytes,
  REPO_ROOT,
} from '../infra/bundling.ts';

const MAX_INIT_RATIO = 1.5;

/** The baseline: what every function pays anyway for talking to DynamoDB. */
const BASELINE_SOURCE = `
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));
export const handler = async () => ({ statusCode: 200, body: String(typeof doc.send) });
`;

/** What the functions find in their environment in Lambda (placeholder values; nothing is called at init). */
const LAMBDA_ENV: Record<string, string> = {
  AWS_REGION: 'ap-southeast-1',
  AWS_DEFAULT_REGION: 'ap-southeast-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  AWS_LAMBDA_FUNCTION_NAME: 'bench',
  TABLE_NAME: 'bench-table',
  STAGE: 'bench',
  POWERTOOLS_SERVICE_NAME: 'bench',
  POWERTOOLS_LOG_LEVEL: 'ERROR',
  AUTH_EMPLOYEE_ID_CLAIM: 'custom:employeeId',
  AUTH_GROUPS_CLAIM: 'cognito:groups',
  JOB_NAME: 'bench',
  FANOUT_QUEUE_URL: 'https://sqs.ap-southeast-1.amazonaws.com/000000000000/bench',
  REMINDER_SENDER: 'bench@example.com',
};

const IMPORT_AND_TIME = `
const t0 = performance.now();
const mod = await import(process.env.BENCH_BUNDLE_URL);
const ms = performance.now() - t0;
if (typeof mod.handler !== 'function') throw new Error('no handler export');
process.stdout.write(JSON.stringify({ ms }));
`;

interface Bundle {
  readonly label: string;
  readonly file: string;
  readonly bytes: number;
  readonly samples: number[];
}

function parseArgs(args: string[]): { runs: number; only: string[] | null } {
  let runs = 15;
  let only: string[] | null = null;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const value = args[i + 1];
    if (arg === '--runs' && value) {
      runs = Number.parseInt(value, 10);
      i++;
    } else if (arg === '--only' && value) {
      only = value.split(',');
      i++;
    } else {
      throw new Error(`unknown argument ${arg}; usage: npm run bench -- bundles [--runs N] [--only a,b]`);
    }
  }
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a positive integer');
  return { runs, only };
}

async function bundleEntry(entry: BundleEntry, outDir: string): Promise<Bundle> {
  const file = join(outDir, `${entry.kind}-${entry.name}`, BUNDLE.outfileName);
  await build(esbuildOptions(resolve(REPO_ROOT, entry.entry), file));
  return { label: `${entry.kind} ${entry.name}`, file, bytes: statSync(file).size, samples: [] };
}

/**
 * The baseline as deployed (SDK from the runtime), or, for reference only, with the SDK bundled: the figure
 * behind the decision in infra/bundling.ts.
 */
async function bundleBaseline(outDir: string, sdk: 'runtime' | 'bundled'): Promise<Bundle> {
  const file = join(outDir, `baseline-${sdk}`, BUNDLE.outfileName);
  const { entryPoints: _unused, ...options } = esbuildOptions('', file);
  await build({
    ...options,
    ...(sdk === 'bundled' ? { external: [] } : {}),
    stdin: { contents: BASELINE_SOURCE, resolveDir: REPO_ROOT, sourcefile: 'baseline.ts', loader: 'ts' },
  });
  const label =
    sdk === 'runtime'
      ? 'baseline: DocumentClient only'
      : 'reference: DocumentClient only, SDK bundled (not deployed)';
  return { label, file, bytes: statSync(file).size, samples: [] };
}

function timeImport(file: string): number {
  const result = spawnSync(
    process.execPath,
    ['--enable-source-maps', '--input-type=module', '-e', IMPORT_AND_TIME],
    {
      env: { PATH: process.env.PATH ?? '', ...LAMBDA_ENV, BENCH_BUNDLE_URL: pathToFileURL(file).href },
      encoding: 'utf8',
      timeout: 30_000,
    },
  );
  if (result.status !== 0) throw new Error(`importing ${file} failed:\n${result.stderr}`);
  const parsed: unknown = JSON.parse(result.stdout);
  if (typeof parsed !== 'object' || parsed === null || !('ms' in parsed) || typeof parsed.ms !== 'number') {
    throw new Error(`unexpected output from ${file}: ${result.stdout}`);
  }
  return parsed.ms;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};
const kb = (bytes: number) => (bytes / 1024).toFixed(1);

export async function run(args: string[]): Promise<void> {
  const { runs, only } = parseArgs(args);
  const entries = bundleEntries().filter((e) => !only || only.includes(e.name));
  if (entries.length === 0) throw new Error(`no function matches --only ${only?.join(',')}`);
  // Inside node_modules so that the external SDK resolves from the bundles as it does in Lambda's runtime.
  const cacheDir = join(REPO_ROOT, 'node_modules', '.cache');
  mkdirSync(cacheDir, { recursive: true });
  const outDir = mkdtempSync(join(cacheDir, 'danh-gia-bundles-'));
  try {
    const baseline = await bundleBaseline(outDir, 'runtime');
    const reference = await bundleBaseline(outDir, 'bundled');
    const bundles: Bundle[] = [];
    for (const entry of entries) bundles.push(await bundleEntry(entry, outDir));

    // Warm the file system cache once, then interleave: every round measures the baseline and each bundle.
    const all = [baseline, ...bundles, reference];
    for (const b of all) timeImport(b.file);
    for (let round = 0; round < runs; round++) {
      for (const b of all) b.samples.push(timeImport(b.file));
    }

    const base = median(baseline.samples);
    const rows = all.map((b) => {
      const init = median(b.samples);
      const ratio = init / base;
      const measured = b !== baseline && b !== reference;
      const [kind, name] = b.label.split(' ') as ['http' | 'job', string];
      const sizeOk = !measured || b.bytes <= maxBundleBytes(kind, name ?? '');
      const initOk = !measured || ratio <= MAX_INIT_RATIO;
      return { b, init, ratio, measured, sizeOk, initOk };
    });
    console.log(
      `Bundles as deployed (esbuild ${BUNDLE.format}, ${BUNDLE.target}, minified, external: ` +
        `${BUNDLE.external.join(' ')} from the Lambda runtime); init = median of ${runs} fresh ` +
        `\`node --enable-source-maps\` imports on Node ${process.versions.node}, ${process.platform}-${process.arch}.\n`,
    );
    console.log(
      `| Function | Bundle (bytes) | Bundle (KB) | Init median (ms) | × baseline | ≤ ${MAX_BUNDLE_BYTES / 1024} KB (docs ≤ ${MAX_DOCS_BUNDLE_BYTES / 1024} KB) | ≤ 1.5× |`,
    );
    console.log('|---|---:|---:|---:|---:|:-:|:-:|');
    for (const { b, init, ratio, measured, sizeOk, initOk } of rows) {
      const mark = (ok: boolean) => (measured ? (ok ? '✓' : '✗') : '');
      console.log(
        `| ${b.label} | ${b.bytes} | ${kb(b.bytes)} | ${init.toFixed(1)} | ${ratio.toFixed(2)} | ${mark(sizeOk)} | ${mark(initOk)} |`,
      );
    }
    const failed = rows.filter((r) => !r.sizeOk || !r.initOk);
    if (failed.length > 0) {
      console.log(`\nTargets missed by: ${failed.map((r) => r.b.label).join(', ')}`);
      process.exitCode = 1;
    } else {
      console.log('\nAll targets met.');
    }
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}
