/**
 * `npm run bench -- rankings [--staff 170000] [--units 3000] [--rounds 2] [--concurrency 8] [--jobs all|rankings|open,api,annual,remind,close] [--sample 300] [--layout rostered|indexed]`
 *
 * Seeds the generated city (functions/local/city.ts: one month, mostly approved) into an in-memory DynamoDB
 * Local, then measures, in alternating rounds (this machine is noisy):
 * - compute-rankings as the local runner runs it (inline fan-out, `concurrency` units at a time): wall time,
 *   peak memory of this process, capacity consumed;
 * - the bare cost of reading the same items with the same Queries at the same concurrency (the units, and per
 *   unit its record, its evaluations page by page, its counters), doing nothing with them.
 * With `--jobs all` it then runs the other jobs once on the same city (annual-rollup, remind on the approval
 * deadline, open-period of the next month, a sample of API transitions on the new drafts, close-period) and
 * measures their capacity too, and prints the monthly AWS estimate for Hanoi with the prices it assumes.
 *
 * Capacity: bench/_meter.ts (reads as DynamoDB Local reports them; writes from the item images before and after,
 * as AWS bills them, transactions and index writes included).
 */
import { createHash, randomUUID } from 'node:crypto';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { cityRecordCount, generateCity } from '../functions/local/city/generate.ts';
import { writeCity } from '../functions/local/city/write.ts';
import { startDynamoDbLocal } from '../functions/local/dynamodb-local.ts';
import { type TransitionOptions, transitionAndPresent } from '../shared/app/evaluations.ts';
import { packUnits } from '../shared/app/jobs/compute-rankings.ts';
import { runJobInline } from '../shared/app/jobs/runner.ts';
import { deadlinesFor, nextPeriod } from '../shared/domain/calendar.ts';
import type { Action } from '../shared/domain/types.ts';
import { toResult } from '../shared/http/reply.ts';
import { batchGet, batchPut } from '../shared/store/batch.ts';
import { createDb, type Db } from '../shared/store/client.ts';
import { createTableIfMissing } from '../shared/store/create-table.ts';
import { evaluationItem, RANKING_ATTRIBUTES, unitItems } from '../shared/store/evaluation-store.ts';
import { keys } from '../shared/store/keys.ts';
import { inParallel } from '../shared/store/parallel.ts';
import { attachMeter, emptyMeter, type Meter } from './_meter.ts';

export { attachMeter, emptyMeter, type Meter };

/** The last run's figures (bench/lean.ts prints them against their targets). */
export const lastFigures: {
  staff: number;
  bareMs: number;
  jobMs: number;
  floorMs: number;
  perEval: Record<string, { read: number; write: number; ms: number; requests: number }>;
  /** open-period of the month after, timed with writes unmetered. */
  openTimedMs: number;
  /** Its floor: the same drafts written bare in plain BatchWrites at the same concurrency (this engine's speed). */
  openFloorMs: number;
} = { staff: 0, bareMs: 0, jobMs: 0, floorMs: 0, perEval: {}, openTimedMs: 0, openFloorMs: 0 };

import { createDynamoStore, type Store } from '../shared/store/store.ts';

// ---------------------------------------------------------------------------------------------------------------
// Prices assumed (USD, Asia Pacific (Singapore) ap-southeast-1, the region nearest Hanoi, on-demand; check the
// AWS pricing pages before relying on them).
export const PRICES = {
  /** DynamoDB on-demand, per million write request units (standard table class). */
  writePerMillion: 0.7125,
  /** DynamoDB on-demand, per million read request units. */
  readPerMillion: 0.1425,
  /** DynamoDB storage per GB-month (the first 25 GB are free), and continuous backups (PITR) per GB-month. */
  storagePerGbMonth: 0.285,
  pitrPerGbMonth: 0.228,
  /** Lambda, Arm64, per GB-second and per million requests. */
  lambdaPerGbSecond: 0.0000133334,
  lambdaPerMillionRequests: 0.2,
  /** EventBridge Scheduler per million invocations (14 million a month are free). */
  schedulerPerMillion: 1.0,
  /** SQS standard per million requests (the first million a month are free). */
  sqsPerMillion: 0.4,
  /** SES per 1,000 e-mails (outside the target: shown apart). */
  sesPerThousand: 0.1,
};

/** Peak memory of this process while `work` runs (sampled every 20 ms), above what it used before. */
async function measure<T>(meterState: { current: Meter }, work: () => Promise<T>) {
  if (global.gc) global.gc();
  const base = process.memoryUsage();
  let peakRss = base.rss;
  let peakHeap = base.heapUsed;
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 20);
  meterState.current = emptyMeter();
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = await work();
  const ms = performance.now() - started;
  const cpuUsed = process.cpuUsage(cpu);
  clearInterval(timer);
  const m = process.memoryUsage();
  peakRss = Math.max(peakRss, m.rss);
  peakHeap = Math.max(peakHeap, m.heapUsed);
  return {
    result,
    ms,
    meter: meterState.current,
    peakRssMb: peakRss / 2 ** 20,
    peakHeapMb: peakHeap / 2 ** 20,
    heapGrowthMb: (peakHeap - base.heapUsed) / 2 ** 20,
    cpuMs: (cpuUsed.user + cpuUsed.system) / 1000,
  };
}

/**
 * The reads compute-rankings makes for its units, the same requests in the same grouping and concurrency, and
 * nothing else: the units, their sizes (to group them), per group the units' records and counters in one
 * request, per unit its evaluations as the store reads them (`unitItems`: the unit's roster and the older periods'
 * index, then by key; the same projection), not decoded.
 */
async function bareRead(db: Db, store: Store, period: string, concurrency: number): Promise<number> {
  const units = await store.org.listUnits();
  const sizes = new Map((await store.evaluations.periodCounters(period)).map((c) => [c.unitId, c.evaluated]));
  const groups = packUnits(
    units.map((u) => u.id),
    sizes,
  );
  let items = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < groups.length) {
        const group = groups[next++] ?? [];
        await batchGet(
          db,
          group.flatMap((id) => [keys.unitKey(id), keys.unitPeriodKey(id, period)]),
          { consistent: true },
        );
        // The job's requests for a unit (the store's own function), nothing decoded.
        for (const id of group) items += (await unitItems(db, id, period, RANKING_ATTRIBUTES)).length;
      }
    }),
  );
  return items;
}

function args(argv: string[]) {
  const o = {
    staff: 170_000,
    units: 3_000,
    rounds: 2,
    concurrency: 8,
    /** `all`, `rankings`, or a comma-separated list of the other jobs only (`open,api`, `annual`): no ranking rounds. */
    jobs: 'all',
    sample: 300,
    /** How the city's months are written: `rostered` (as periods opened now) or `indexed` (as before 2026-12). */
    layout: 'rostered' as 'rostered' | 'indexed',
  };
  for (let i = 0; i < argv.length; i += 2) {
    const [name, value] = [argv[i], argv[i + 1]];
    if (value === undefined) throw new Error(`missing value for ${name}`);
    if (name === '--staff') o.staff = Number(value);
    else if (name === '--units') o.units = Number(value);
    else if (name === '--rounds') o.rounds = Number(value);
    else if (name === '--concurrency') o.concurrency = Number(value);
    else if (name === '--sample') o.sample = Number(value);
    else if (name === '--layout' && (value === 'rostered' || value === 'indexed')) o.layout = value;
    else if (name === '--jobs' && /^(all|rankings|((open|api|annual|remind|close),?)+)$/.test(value))
      o.jobs = value;
    else throw new Error(`unknown option ${name} ${value}`);
  }
  return o;
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};

export async function run(argv: string[]): Promise<void> {
  const o = args(argv);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  log(
    `rankings benchmark: ${fmt(o.staff)} staff, ${fmt(o.units)} units, concurrency ${o.concurrency}, ${o.rounds} rounds`,
  );
  const engine = await startDynamoDbLocal({ dataDir: null });
  const db = createDb({ tableName: 'bench-rankings', endpoint: engine.endpoint });
  const store = createDynamoStore(db);
  try {
    await createTableIfMissing(db.client, db.tableName);
    const meter = attachMeter(db, engine.endpoint);
    const city = generateCity({
      staff: o.staff,
      units: o.units,
      months: 1,
      lastPeriod: '2026-03',
      layout: o.layout,
    });
    const period = city.periods[city.periods.length - 1] ?? '2026-03';
    const total = cityRecordCount(city);
    let lastPrint = 0;
    const seed = await measure(meter, () =>
      writeCity(store, city, {
        concurrency: 12,
        onProgress: (n) => {
          if (Date.now() - lastPrint > 5000) {
            lastPrint = Date.now();
            log(`  seeding ${fmt((100 * n) / total, 1)}%`);
          }
        },
      }),
    );
    const evaluations =
      (await store.org.listUnits()).length > 0 ? await countEvaluations(db, store, period, o.concurrency) : 0;
    log(
      `seeded ${fmt(seed.result)} items in ${fmt(seed.ms / 1000, 1)} s (${fmt(seed.result / (seed.ms / 1000))} items/s); ${fmt(evaluations)} evaluations in ${period}`,
    );
    const seedWriteUnitsPerEvaluation = seed.meter.write / Math.max(1, seed.result);

    const selected =
      o.jobs === 'all' || o.jobs === 'rankings' ? null : new Set(o.jobs.split(',').filter(Boolean));
    if (selected) {
      const lines = await otherJobs(db, store, meter, period, evaluations, o, selected);
      console.log(lines.join('\n'));
      return;
    }
    // One unmeasured pass first: the JIT of both processes and DynamoDB Local's caches warm up on it.
    await bareRead(db, store, period, o.concurrency);
    meter.precise = false;
    const bare: Awaited<ReturnType<typeof measure<number>>>[] = [];
    const job: Awaited<ReturnType<typeof measure<unknown>>>[] = [];
    const writes: Awaited<ReturnType<typeof measure<void>>>[] = [];
    for (let round = 0; round < o.rounds; round++) {
      const b = await measure(meter, () => bareRead(db, store, period, o.concurrency));
      bare.push(b);
      const j = await measure(meter, () =>
        runJobInline(store, 'compute-rankings', { target: period, fresh: true, concurrency: o.concurrency }),
      );
      job.push(j);
      // The floor of any implementation: the same reads, plus writing the same snapshots in plain batches.
      const outputs = await snapshotsOf(db, store, period);
      const w = await measure(meter, () => batchPut(db, outputs, o.concurrency));
      writes.push(w);
      log(
        `  round ${round + 1}: bare read ${fmt(b.ms / 1000, 2)} s (node CPU ${fmt(b.cpuMs / 1000, 2)} s), compute-rankings ${fmt(j.ms / 1000, 2)} s (node CPU ${fmt(j.cpuMs / 1000, 2)} s) (×${fmt(j.ms / b.ms, 2)}); writing its ${fmt(outputs.length)} snapshots in batches ${fmt(w.ms / 1000, 2)} s`,
      );
    }
    const bareMs = median(bare.map((b) => b.ms));
    const jobMs = median(job.map((j) => j.ms));
    // The rounds are timed with writes unmetered (the meter's image reads would slow them): one more run, metered.
    meter.precise = true;
    job.push(
      await measure(meter, () =>
        runJobInline(store, 'compute-rankings', { target: period, fresh: true, concurrency: o.concurrency }),
      ),
    );
    const lastJob = job[job.length - 1];
    const lastBare = bare[bare.length - 1];
    if (!lastJob || !lastBare) throw new Error('no rounds');

    const lines: string[] = [];
    const out = (line = '') => lines.push(line);
    out(
      `### compute-rankings at ${fmt(o.staff)} staff / ${fmt(o.units)} units (${fmt(evaluations)} evaluations), DynamoDB Local in memory`,
    );
    out();
    out(
      '| | wall time (median) | ratio | node CPU | peak RSS | peak heap | heap growth | read units | write units | requests |',
    );
    out('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    const row = (name: string, ms: number, m: (typeof job)[number]) =>
      out(
        `| ${name} | ${fmt(ms / 1000, 2)} s | ${fmt(ms / bareMs, 2)}× | ${fmt(m.cpuMs / 1000, 2)} s | ${fmt(m.peakRssMb)} MB | ${fmt(m.peakHeapMb)} MB | ${fmt(m.heapGrowthMb)} MB | ${fmt(m.meter.read, 1)} | ${fmt(m.meter.write, 1)} | ${fmt(m.meter.requests)} |`,
      );
    row('bare read, same Queries', bareMs, lastBare as (typeof job)[number]);
    // CPU and memory of a timed round (the metered run pays for the meter's reads), units of the metered run.
    row('compute-rankings job', jobMs, { ...(job[job.length - 2] ?? lastJob), meter: lastJob.meter });
    const floorMs = bareMs + median(writes.map((w) => w.ms));
    out();
    out(
      `I/O floor (the bare read plus writing the job's ${fmt(city.units.length * 2)}-odd result items in plain batches, median ${fmt(floorMs / 1000, 2)} s): the job takes ${fmt(jobMs / floorMs, 2)}× that.`,
    );
    out();
    out(
      `Rounds (bare / job, seconds): ${bare.map((b, i) => `${fmt(b.ms / 1000, 2)} / ${fmt((job[i]?.ms ?? 0) / 1000, 2)}`).join('; ')}; units from one more run, metered (untimed).`,
    );
    out(
      `Per employee per month: ${fmt(lastJob.meter.read / evaluations, 3)} read units and ${fmt(lastJob.meter.write / evaluations, 3)} write units per compute-rankings run (bare read: ${fmt(lastBare.meter.read / evaluations, 3)} read units).`,
    );
    out(
      `Seeding: ${fmt(seed.result)} items in ${fmt(seed.ms / 1000, 1)} s; ${fmt(seedWriteUnitsPerEvaluation, 2)} write units per item on average.`,
    );

    lastFigures.bareMs = bareMs;
    lastFigures.jobMs = jobMs;
    lastFigures.floorMs = floorMs;
    lastFigures.staff = o.staff;
    const perEval: Record<string, { read: number; write: number; ms: number; requests: number }> = {
      'compute-rankings': {
        read: lastJob.meter.read / evaluations,
        write: lastJob.meter.write / evaluations,
        ms: jobMs,
        requests: lastJob.meter.requests,
      },
    };
    if (o.jobs === 'all') {
      // remind delivers inline now (its deliveries fail on the runner's mailer and retry): measured apart by
      // `npm run bench -- remind`; the estimate takes its last figures from there (REMIND_PER_EMPLOYEE).
      const steps = jobSteps(db, store, meter, period, o).filter((s) => s.key !== 'remind');
      perEval['remind (approval deadline day)'] = { ...REMIND_PER_EMPLOYEE, ms: 0, requests: 0 };
      out();
      out('### Capacity of every job on the same city');
      out();
      out('| job | wall time | read units | write units | requests | read / employee | write / employee |');
      out('|---|---:|---:|---:|---:|---:|---:|');
      out(
        `| compute-rankings | ${fmt(jobMs / 1000, 1)} s | ${fmt(lastJob.meter.read)} | ${fmt(lastJob.meter.write)} | ${fmt(lastJob.meter.requests)} | ${fmt(perEval['compute-rankings']?.read ?? 0, 3)} | ${fmt(perEval['compute-rankings']?.write ?? 0, 3)} |`,
      );
      for (const { key, name, work } of steps) {
        log(`  running ${name}…`);
        const m = await measure(meter, work);
        // open-period's wall time is that of its unmetered twin (see jobSteps); the others' include the meter's reads.
        if (key === 'open') m.ms = lastFigures.openTimedMs;
        const per = name.startsWith('API') ? o.sample : evaluations;
        perEval[name] = {
          read: m.meter.read / per,
          write: m.meter.write / per,
          ms: m.ms,
          requests: m.meter.requests,
        };
        out(
          `| ${name} | ${fmt(m.ms / 1000, 1)} s | ${fmt(m.meter.read)} | ${fmt(m.meter.write)} | ${fmt(m.meter.requests)} | ${fmt(m.meter.read / per, 3)} | ${fmt(m.meter.write / per, 3)} |`,
        );
      }
      out();
      out(
        '(API transitions: per evaluation taken through save, submit, review and approve by the use cases.)',
      );
      out();
      lines.push(...transitionBreakdown(o.sample), '');
      lastFigures.perEval = perEval;
      lines.push(
        ...estimate(perEval, {
          staff: o.staff,
          units: o.units,
          evaluations,
          scale: 170_000 / o.staff,
          seedWritePerItem: seedWriteUnitsPerEvaluation,
        }),
      );
    }
    console.log(lines.join('\n'));
  } finally {
    db.client.destroy();
    await engine.stop();
  }
}

type Options = ReturnType<typeof args>;

/** remind on the approval deadline day, per employee (BENCHMARKS.md, 170,000 staff, before its deliveries ran inline). */
const REMIND_PER_EMPLOYEE = { read: 0.153, write: 0.058 };
type JobKey = 'annual' | 'remind' | 'open' | 'api' | 'close';

/** Every job but compute-rankings, in the order they run on the city, each named by its `--jobs` key. */
function jobSteps(
  db: Db,
  store: Store,
  meter: { current: Meter; precise: boolean },
  period: string,
  o: Options,
) {
  const year = period.slice(0, 4);
  const d = deadlinesFor(period);
  const next = nextPeriod(period) ?? '';
  const steps: { key: JobKey; name: string; work: () => Promise<unknown> }[] = [
    {
      key: 'annual',
      name: 'annual-rollup',
      work: () =>
        runJobInline(store, 'annual-rollup', { target: year, fresh: true, concurrency: o.concurrency }),
    },
    {
      key: 'remind',
      name: 'remind (approval deadline day)',
      work: () =>
        runJobInline(store, 'remind', {
          now: new Date(`${d.approval.slice(0, 10)}T08:00:00+07:00`),
          concurrency: o.concurrency,
        }),
    },
    {
      key: 'open',
      name: 'open-period (next month)',
      work: async () => {
        const result = await runJobInline(store, 'open-period', {
          target: next,
          now: new Date(deadlinesFor(next).opensAt),
          concurrency: o.concurrency,
        });
        // Timed apart, unmetered (the meter's reads would slow it): the same opening for the month after.
        const later = nextPeriod(next) ?? '';
        meter.precise = false;
        const metered = meter.current;
        meter.current = emptyMeter();
        const started = performance.now();
        await runJobInline(store, 'open-period', {
          target: later,
          now: new Date(deadlinesFor(later).opensAt),
          concurrency: o.concurrency,
        });
        lastFigures.openTimedMs = performance.now() - started;
        // The floor: the drafts it wrote, written again bare (as if for another period) in plain batches.
        const units = await store.org.listUnits();
        // A few units at a time: 3,000 lists at once queue thousands of requests behind the SDK's 50 sockets.
        const drafts = (
          await inParallel(units, o.concurrency, (u) => store.evaluations.listByUnit(u.id, later))
        ).flat();
        const bare = drafts.map((e) => evaluationItem({ ...e, period: `${later}-floor` }));
        const floorStarted = performance.now();
        await batchPut(db, bare, o.concurrency);
        lastFigures.openFloorMs = performance.now() - floorStarted;
        meter.current = metered;
        meter.precise = true;
        process.stderr.write(
          `  open-period timed unmetered: ${fmt(lastFigures.openTimedMs / 1000, 1)} s; its ${fmt(bare.length)} drafts written bare in plain batches: ${fmt(lastFigures.openFloorMs / 1000, 1)} s\n`,
        );
        return result;
      },
    },
    { key: 'api', name: 'API transitions (sample)', work: () => apiSample(store, next, o.sample, meter) },
    {
      key: 'api',
      name: 'API transitions with Idempotency-Key (sample)',
      work: () => apiSample(store, next, o.sample, meter, true),
    },
    {
      key: 'close',
      name: 'close-period',
      work: () =>
        runJobInline(store, 'close-period', { now: new Date(d.closesAt), concurrency: o.concurrency }),
    },
  ];
  return steps;
}

/**
 * `--jobs open,api,…`: only the jobs named (the API sample needs the next month's drafts: open-period runs first
 * whenever it is asked for), without the ranking rounds; a quick look at one figure on a small city.
 */
async function otherJobs(
  db: Db,
  store: Store,
  meter: { current: Meter; precise: boolean },
  period: string,
  evaluations: number,
  o: Options,
  selected: Set<string>,
): Promise<string[]> {
  if (selected.has('api')) selected.add('open');
  const lines = [
    '| job | wall time | read units | write units | requests | read / employee | write / employee |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const { key, name, work } of jobSteps(db, store, meter, period, o)) {
    if (!selected.has(key)) continue;
    process.stderr.write(`  running ${name}…\n`);
    const m = await measure(meter, work);
    if (key === 'open') m.ms = lastFigures.openTimedMs;
    const per = key === 'api' ? o.sample : evaluations;
    lines.push(
      `| ${name} | ${fmt(m.ms / 1000, 1)} s | ${fmt(m.meter.read)} | ${fmt(m.meter.write)} | ${fmt(m.meter.requests)} | ${fmt(m.meter.read / per, 3)} | ${fmt(m.meter.write / per, 3)} |`,
    );
    if (name.includes('Idempotency')) lines.push('', ...transitionBreakdown(o.sample));
  }
  return lines;
}

/** The ranking snapshots and league tables of the period, as stored (to time writing them bare). */
async function snapshotsOf(db: Db, store: Store, period: string): Promise<Record<string, unknown>[]> {
  const units = await store.org.listUnits();
  const found = await batchGet(
    db,
    units.flatMap((u) => [keys.ranking(u.id, period), keys.subunitRanking(u.id, period)]),
  );
  return [...found.values()];
}

async function countEvaluations(db: Db, store: Store, period: string, concurrency: number): Promise<number> {
  const units = await store.org.listUnits();
  let n = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < units.length) {
        const unit = units[next++];
        if (!unit) continue;
        const rosterKey = keys.unitRoster(unit.id, period);
        const [roster, indexed] = await Promise.all([
          db.doc.send(
            new GetCommand({ TableName: db.tableName, Key: { pk: rosterKey.pk, sk: rosterKey.sk } }),
          ),
          db.doc.send(
            new QueryCommand({
              TableName: db.tableName,
              IndexName: 'gsi3',
              KeyConditionExpression: 'gsi3pk = :pk',
              ExpressionAttributeValues: { ':pk': keys.unitEvaluations(unit.id, period).pk },
              Select: 'COUNT',
            }),
          ),
        ]);
        n += ((roster.Item?.ids as Set<string> | undefined)?.size ?? 0) + (indexed.Count ?? 0);
      }
    }),
  );
  return n;
}

/** Units per transition kind in the last API sample (the meter's readings before and after each call). */
const perTransition = new Map<string, Meter>();

function transitionBreakdown(sample: number): string[] {
  return [
    '| transition | read units / evaluation | write units / evaluation | requests / evaluation |',
    '|---|---:|---:|---:|',
    ...[...perTransition].map(
      ([kind, m]) =>
        `| ${kind} | ${fmt(m.read / sample, 2)} | ${fmt(m.write / sample, 2)} | ${fmt(m.requests / sample, 2)} |`,
    ),
  ];
}

/**
 * A sample of drafts taken through the month as people do it, through the same use cases as the API. `keyed`: each
 * POST as the web app sends it, with an Idempotency-Key, its receipt written with the change as `idempotency()`
 * builds it (a transition's is not read first); on other drafts than the sample without.
 */
async function apiSample(
  store: Store,
  period: string,
  size: number,
  meter: { current: Meter; precise: boolean },
  keyed = false,
): Promise<number> {
  const units = (await store.org.listUnits()).slice(0, 800);
  const skip = keyed ? size : 0;
  const drafts = [];
  for (const unit of units) {
    for (const e of await store.evaluations.listByUnit(unit.id, period)) if (!e.isUnitHead) drafts.push(e);
    if (drafts.length >= skip + size) break;
  }
  const now = new Date(`${nextPeriod(period)}-02T09:00:00+07:00`);
  const suffix = keyed ? ', with Idempotency-Key' : '';
  for (const kind of [...perTransition.keys()])
    if (kind.includes('Idempotency') === keyed) perTransition.delete(kind);
  // Only the transitions are metered: finding the sample is the bench's own work.
  meter.current = emptyMeter();
  /** One step of one evaluation by `actorId`, metered: with a key as the web app sends it when `keyed`. */
  const timed = async (step: string, actorId: string, employeeId: string, action: Action) => {
    const kind = `${step}${suffix}`;
    const before = { ...meter.current };
    const caller = { store, principal: { employeeId: actorId, groups: [] }, now };
    const key = randomUUID();
    // The web app sends a key with every POST; a save is a PUT (the same content again is the same save). A
    // transition's receipt is not read first (`receiptWithChange`): it is written with the change.
    const receiptFor: TransitionOptions['receiptFor'] =
      keyed && step !== 'save'
        ? (answer) => {
            const { statusCode, headers, body } = toResult({ body: answer });
            return {
              principalId: actorId,
              key,
              requestHash: createHash('sha256').update(`${step}\n${key}`).digest('base64url'),
              response: { statusCode, headers, body },
              at: now.toISOString(),
            };
          }
        : null;
    await transitionAndPresent(caller, employeeId, period, action, { ifMatch: null, receiptFor });
    const sum = perTransition.get(kind) ?? emptyMeter();
    sum.read += meter.current.read - before.read;
    sum.write += meter.current.write - before.write;
    sum.requests += meter.current.requests - before.requests;
    perTransition.set(kind, sum);
  };
  let done = 0;
  const scores = { discipline: 18, duties: 60, bonus: 2 };
  for (const e of drafts.slice(skip, skip + size)) {
    const comment = 'Hoàn thành nhiệm vụ.';
    await timed('save', e.employeeId, e.employeeId, { type: 'saveSelfAssessment', scores, comment });
    await timed('submit', e.employeeId, e.employeeId, { type: 'submit' });
    await timed('review', e.reviewerId, e.employeeId, { type: 'review', scores, comment: 'Đạt yêu cầu.' });
    await timed('approve', e.approverId, e.employeeId, { type: 'approve', scores: null, comment: null });
    done++;
  }
  return done;
}

/** The monthly bill for Hanoi from the measured units per employee, with every assumption written out. */
function estimate(
  per: Record<string, { read: number; write: number; ms: number; requests: number }>,
  ctx: { staff: number; units: number; evaluations: number; scale: number; seedWritePerItem: number },
): string[] {
  const HANOI = 170_000;
  const r = (name: string) => per[name] ?? { read: 0, write: 0, ms: 0, requests: 0 };
  const usd = (read: number, write: number) =>
    (read * PRICES.readPerMillion + write * PRICES.writePerMillion) / 1e6;
  // Reminder messages: one per person per day at most, over windows of 3 days per step: about 1.5 a person.
  const messages = HANOI * 1.5;
  // Per source: full runs a month × units per employee × employees (the other daily runs find nothing: a Query).
  const sources: { name: string; runs: string; read: number; write: number; seconds: number }[] = [
    {
      name: 'compute-rankings',
      runs: '38 runs (daily, on 2 open periods on days 1–8)',
      n: 38,
      key: 'compute-rankings',
    },
    { name: 'open-period', runs: '1 run', n: 1, key: 'open-period (next month)' },
    { name: 'close-period', runs: '1 run (+ 30 that find nothing)', n: 1, key: 'close-period' },
    { name: 'remind', runs: '9 days with a window', n: 9, key: 'remind (approval deadline day)' },
    { name: 'annual-rollup', runs: '1 run a year', n: 1 / 12, key: 'annual-rollup' },
  ].map((s) => ({
    name: s.name,
    runs: s.runs,
    read: HANOI * r(s.key).read * s.n,
    write: HANOI * r(s.key).write * s.n,
    // Lambda time: the local wall time × the units worked on at once (each a consumer busy in AWS), scaled.
    seconds: (8 * r(s.key).ms * s.n * ctx.scale) / 1000,
  }));
  // The outbox: put, claim, sent, ~1.5 KB each, per message (not in the remind run measured: few to remind then).
  const outbox = {
    name: 'remind: outbox',
    runs: `${fmt(messages)} messages × 3 writes`,
    read: 0,
    write: messages * 3 * 2,
    seconds: 0,
  };
  // The API: the measured use-case transitions (save, submit, review, approve) per evaluation, each with an
  // Idempotency-Key as the web app sends it, and as many reads again for the pages people open.
  const keyed = r('API transitions with Idempotency-Key (sample)');
  const api = {
    name: 'API (not a job)',
    runs: 'every evaluation through 4 transitions (with Idempotency-Key), reads ×2 for page views',
    read: HANOI * keyed.read * 2,
    write: HANOI * keyed.write,
    seconds: 0,
  };
  const rows = [...sources, outbox, api];
  const jobsUsd = [...sources, outbox].reduce((s, x) => s + usd(x.read, x.write), 0);
  const apiUsd = usd(api.read, api.write);
  // Storage: a year of evaluations (table + 3 index copies), their history events, snapshots and annual results.
  const storageGb = (HANOI * 12 * (ctx.seedWritePerItem + 2)) / 2 ** 20;
  const storageUsd =
    Math.max(0, storageGb - 25) * PRICES.storagePerGbMonth + storageGb * PRICES.pitrPerGbMonth;
  const jobSeconds = sources.reduce((s, x) => s + x.seconds, 0);
  const apiRequests = HANOI * 12; // ~4 transitions and ~8 reads per employee per month
  const apiSeconds = apiRequests * 0.1;
  const lambdaUsd =
    (jobSeconds + apiSeconds) * PRICES.lambdaPerGbSecond +
    ((apiRequests + 40 * 3_000 + 31 * 5) / 1e6) * PRICES.lambdaPerMillionRequests;
  // Lambda's pollers long-poll each of the 3 work queues (~5 pollers, a receive per 20 s each), plus the steps.
  const sqsRequests = 3 * 5 * 3 * 60 * 24 * 30 + 40 * 3_000;
  const sqsUsd = Math.max(0, sqsRequests - 1e6) * (PRICES.sqsPerMillion / 1e6);
  const total = jobsUsd + apiUsd + storageUsd + lambdaUsd + sqsUsd;
  const ses = (messages / 1000) * PRICES.sesPerThousand;
  return [
    '### Monthly AWS estimate for Hanoi (170,000 staff, 3,000 units), on-demand',
    '',
    `Prices assumed (USD, ap-southeast-1): DynamoDB ${PRICES.writePerMillion} per million write units, ${PRICES.readPerMillion} per million read units, storage ${PRICES.storagePerGbMonth}/GB-month after 25 GB free, PITR ${PRICES.pitrPerGbMonth}/GB-month; Lambda Arm ${PRICES.lambdaPerGbSecond}/GB-s and ${PRICES.lambdaPerMillionRequests} per million requests; EventBridge Scheduler ${PRICES.schedulerPerMillion} per million after 14 million free; SQS ${PRICES.sqsPerMillion} per million after 1 million free; SES ${PRICES.sesPerThousand} per 1,000 e-mails.`,
    '',
    '| DynamoDB requests | runs a month | read units (M) | write units (M) | USD / month |',
    '|---|---|---:|---:|---:|',
    ...rows.map(
      (x) =>
        `| ${x.name} | ${x.runs} | ${fmt(x.read / 1e6, 2)} | ${fmt(x.write / 1e6, 2)} | ${fmt(usd(x.read, x.write), 2)} |`,
    ),
    '',
    '| item | assumption | USD / month |',
    '|---|---|---:|',
    `| DynamoDB, the jobs | the rows above but the API | ${fmt(jobsUsd, 2)} |`,
    `| DynamoDB, the API | as measured through the use cases | ${fmt(apiUsd, 2)} |`,
    `| DynamoDB storage + PITR | ~${fmt(storageGb, 1)} GB after a year of data | ${fmt(storageUsd, 2)} |`,
    `| Lambda | jobs ${fmt(jobSeconds / 3600, 1)} h at 1 GB (measured, scaled), API ${fmt(apiRequests / 1e6, 2)} M requests × 100 ms at 1 GB | ${fmt(lambdaUsd, 2)} |`,
    '| EventBridge Scheduler | 5 schedules, ~160 invocations: within the free 14 million | 0.00 |',
    `| SQS (fan-out) | ~${fmt(sqsRequests / 1e6, 2)} M requests, mostly the pollers' long polls | ${fmt(sqsUsd, 2)} |`,
    `| **total (target < 25)** | | **${fmt(total, 2)}** |`,
    `| of which the jobs (DynamoDB + their Lambda + SQS) | | ${fmt(jobsUsd + jobSeconds * PRICES.lambdaPerGbSecond + sqsUsd, 2)} |`,
    `| SES, apart from the target | ${fmt(messages)} reminder e-mails | ${fmt(ses, 2)} |`,
  ];
}
