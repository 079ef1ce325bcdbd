/**
 * Helpers for the job tests: a small generated city written straight into a fresh table, whole-table dumps to
 * compare stored results, and crash injection.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { type City, cityRecords, generateCity } from '../../../functions/local/city/generate.ts';
import type { FaultPoint } from '../../../shared/app/jobs/types.ts';
import type { BulkRecord } from '../../../shared/store/bulk-store.ts';
import type { Db } from '../../../shared/store/client.ts';
import type { Store } from '../../../shared/store/store.ts';
import { freshTable } from '../../support/table.ts';

export type Item = Record<string, unknown>;

export interface SmallCity {
  db: Db;
  store: Store;
  city: City;
}

export async function smallCity(
  label: string,
  options: {
    staff?: number;
    units?: number;
    months?: number;
    lastPeriod?: string;
    orgOnly?: boolean;
    seed?: number;
  } = {},
): Promise<SmallCity> {
  const { db, store } = await freshTable(label);
  const city = generateCity({
    staff: options.staff ?? 240,
    units: options.units ?? 14,
    months: options.months ?? 1,
    lastPeriod: options.lastPeriod ?? '2026-03',
    ...(options.seed ? { seed: options.seed } : {}),
  });
  await writeCity(store, city, options.orgOnly ?? false);
  return { db, store, city };
}

export async function writeCity(store: Store, city: City, orgOnly = false): Promise<void> {
  const records: Iterable<BulkRecord> = orgOnly
    ? [
        ...city.units.map((unit) => ({ kind: 'unit' as const, unit })),
        ...city.employees.map((employee) => ({ kind: 'employee' as const, employee })),
      ]
    : cityRecords(city);
  await store.bulk.load(records, { concurrency: 8 });
}

/** Every item of the table, sorted by key: Scan is fine in a test, never in the jobs. */
export async function dump(db: Db, keep: (item: Item) => boolean = () => true): Promise<Item[]> {
  const items: Item[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.doc.send(
      new ScanCommand({ TableName: db.tableName, ExclusiveStartKey: start, ConsistentRead: true }),
    );
    items.push(...((page.Items ?? []) as Item[]).filter(keep));
    start = page.LastEvaluatedKey;
  } while (start);
  return items.sort((a, b) => `${a.pk}|${a.sk}`.localeCompare(`${b.pk}|${b.sk}`));
}

/** The domain's items: everything but the jobs' own bookkeeping (runs and step checkpoints). */
export const domainOnly = (item: Item) => !String(item.pk).startsWith('JOB#');
export const ofType =
  (...types: string[]) =>
  (item: Item) =>
    types.includes(String(item.entityType));

export class InjectedCrash extends Error {
  constructor() {
    super('injected crash');
    this.name = 'InjectedCrash';
  }
}

/** A fault hook that crashes the run at `point` of the `after`-th step reaching it. */
export function crashAfter(
  after: number,
  point: FaultPoint = 'checkpointed',
  only: (step: string) => boolean = () => true,
) {
  let seen = 0;
  return (p: FaultPoint, step: string) => {
    if (p !== point || !only(step)) return;
    seen++;
    if (seen === after) throw new InjectedCrash();
  };
}
