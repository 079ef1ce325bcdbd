/**
 * `npm run bench -- lean [--staff 170000] [--units 3000] [--rounds 3] [--clients 50]`: every figure of the lean data
 * path (issue #15) against its target, in one command: the rankings benchmark with every job on the generated city
 * (bench/rankings.ts), then the deadline-day mix over HTTP (bench/api.ts), then a table of each figure beside the
 * previous design's (BENCHMARKS.md before the change, measured at 170,000 staff) and its target.
 */
import { lastMix, run as runApi } from './api.ts';
import { lastFigures, run as runRankings } from './rankings.ts';

/** The previous design, as BENCHMARKS.md measured it (170,000 staff, old meter unless said). */
const BEFORE = {
  apiWrite: 73.5,
  apiRead: 23.9,
  openWrite: 10.21,
  openSeconds: 172,
  annualWrite: 2.082,
  rankingsVsBare: 2.02,
  rankingsVsFloor: 1.46,
  p99: 547,
};

function option(argv: string[], name: string, fallback: string): string {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? (argv[i + 1] ?? fallback) : fallback;
}

export async function run(argv: string[]): Promise<void> {
  const staff = option(argv, 'staff', '170000');
  const units = option(argv, 'units', '3000');
  // The API first: the configuration is read once per process, and the API's run needs the table it creates.
  await runApi(['--clients', option(argv, 'clients', '50')]);
  await runRankings([
    '--staff',
    staff,
    '--units',
    units,
    '--rounds',
    option(argv, 'rounds', '3'),
    '--jobs',
    'all',
  ]);
  const f = lastFigures;
  const per = (name: string) => f.perEval[name] ?? { read: 0, write: 0, ms: 0, requests: 0 };
  const api = per('API transitions with Idempotency-Key (sample)');
  const bare = per('API transitions (sample)');
  const open = per('open-period (next month)');
  const scale = 170_000 / f.staff;
  const rows: [string, string, string, string, boolean][] = [
    [
      '1. one evaluation, 4 steps, each with an Idempotency-Key (as the web app sends them): write units',
      '',
      api.write.toFixed(1),
      '≤ 25',
      api.write <= 25,
    ],
    ['1. the same: read units', '', api.read.toFixed(1), '≤ 10', api.read <= 10],
    [
      '1. one evaluation, 4 steps, without Idempotency-Key: write units',
      String(BEFORE.apiWrite),
      bare.write.toFixed(1),
      '(reported)',
      true,
    ],
    ['1. the same: read units', String(BEFORE.apiRead), bare.read.toFixed(1), '(reported)', true],
    [
      '2. open-period: write units per employee',
      String(BEFORE.openWrite),
      open.write.toFixed(2),
      '≤ 3',
      open.write <= 3,
    ],
    [
      `2. open-period: seconds for the city (here × ${scale.toFixed(1)})`,
      String(BEFORE.openSeconds),
      ((f.openTimedMs / 1000) * scale).toFixed(0),
      '≤ 60',
      (f.openTimedMs / 1000) * scale <= 60,
    ],
    [
      `2. open-period: its floor, the same drafts written bare in plain batches (here × ${scale.toFixed(1)})`,
      '',
      ((f.openFloorMs / 1000) * scale).toFixed(0),
      '(floor)',
      true,
    ],
    [
      '3. annual-rollup: write units per employee',
      String(BEFORE.annualWrite),
      per('annual-rollup').write.toFixed(3),
      '≤ 0.5',
      per('annual-rollup').write <= 0.5,
    ],
    [
      '4. compute-rankings ÷ its I/O floor',
      String(BEFORE.rankingsVsFloor),
      (f.jobMs / f.floorMs).toFixed(2),
      '≤ 1.15',
      f.jobMs / f.floorMs <= 1.15,
    ],
    [
      '4. compute-rankings ÷ the bare read',
      String(BEFORE.rankingsVsBare),
      (f.jobMs / f.bareMs).toFixed(2),
      '(reported)',
      true,
    ],
    ...Object.entries(lastMix.p99).map(
      ([kind, ms]) =>
        [
          `5. deadline-day mix p99, ${kind} (ms)`,
          kind === 'all' ? String(BEFORE.p99) : '',
          ms.toFixed(0),
          '≤ 300',
          ms <= 300,
        ] as [string, string, string, string, boolean],
    ),
    ['5. deadline-day mix errors', '0', String(lastMix.errors), '0', lastMix.errors === 0],
  ];
  console.log(`\n### The lean data path against its targets (${staff} staff, ${units} units)\n`);
  console.log('| figure | before (BENCHMARKS.md) | now | target | met |');
  console.log('|---|---:|---:|---:|:---:|');
  for (const [name, before, now, target, met] of rows)
    console.log(`| ${name} | ${before} | ${now} | ${target} | ${met ? '✓' : '✗'} |`);
}
