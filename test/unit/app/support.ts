/** Use cases on the in-memory store: the demo organisation, callers, and the jobs run inline. */
import { seedDemo } from '../../../functions/local/demo-data.ts';
import type { Caller, Group } from '../../../shared/app/caller.ts';
import { inlineJobStarter } from '../../../shared/app/jobs/runner.ts';
import type { JobStarter } from '../../../shared/app/jobs/types.ts';
import { createMemoryStore } from '../../support/memory-store.ts';

export type MemoryStore = ReturnType<typeof createMemoryStore>;

export async function demoCity(now = new Date()) {
  const store = createMemoryStore();
  const seeded = await seedDemo(store, now);
  const as = (employeeId: string, groups: Group[] = [], at = new Date()): Caller & { jobs: JobStarter } => ({
    store,
    principal: { employeeId, groups },
    now: at,
    jobs: inlineJobStarter(store),
  });
  return { store, period: seeded.period, as };
}
