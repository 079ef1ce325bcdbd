/**
 * Names and units the pages show instead of ids, read once per page load: rubrics (cached in localStorage by id
 * and version: they are public to every signed-in user and never change within a version), people's names
 * (`GET /v1/employees/{id}`, which answers only for those the caller may see: others stay unnamed) and units.
 */
import { type Api, ApiError } from '../api/client.ts';
import type { Employee, Rubric, Unit } from '../api/types.ts';

const RUBRIC_PREFIX = 'danh-gia.rubric.';

function cached(key: string): Rubric | null {
  try {
    const raw = localStorage.getItem(`${RUBRIC_PREFIX}${key}`);
    return raw ? (JSON.parse(raw) as Rubric) : null;
  } catch {
    return null;
  }
}

function remember(key: string, rubric: Rubric): void {
  try {
    localStorage.setItem(`${RUBRIC_PREFIX}${key}`, JSON.stringify(rubric));
  } catch {
    // no storage: fetched each time
  }
}

const rubricRequests = new Map<string, Promise<Rubric>>();

function fetchOnce(key: string, load: () => Promise<Rubric>): Promise<Rubric> {
  let request = rubricRequests.get(key);
  if (!request) {
    request = load().catch((error: unknown) => {
      rubricRequests.delete(key);
      throw error;
    });
    rubricRequests.set(key, request);
  }
  return request;
}

/**
 * The rubric an evaluation is scored and graded with: that very version (its criteria and its bands: a grade
 * preview must use the bands the evaluation will be graded with, not a newer version's), from the cache when it
 * holds it, else the current version when it is that one, else `GET /v1/rubrics/{id}/versions/{version}`. A version
 * never changes, so it is cached for good.
 */
/** A rubric version the API gave with something else (the employee page's month): kept as if loaded. */
export function rememberRubric(rubric: Rubric): void {
  remember(`${rubric.id}@${rubric.version}`, rubric);
}

export function loadRubric(api: Api, id: string, version?: number): Promise<Rubric> {
  const path = `/v1/rubrics/${encodeURIComponent(id)}`;
  const latest = () =>
    fetchOnce(id, async () => {
      const rubric = await api.get<Rubric>(path);
      remember(id, rubric);
      remember(`${id}@${rubric.version}`, rubric);
      return rubric;
    });
  if (version === undefined) return cached(id) ? Promise.resolve(cached(id) as Rubric) : latest();
  const exact = cached(`${id}@${version}`) ?? (cached(id)?.version === version ? cached(id) : null);
  if (exact) return Promise.resolve(exact);
  return fetchOnce(`${id}@${version}`, async () => {
    const current = await latest();
    if (current.version === version) return current;
    const rubric = await api.get<Rubric>(`${path}/versions/${version}`);
    remember(`${id}@${version}`, rubric);
    return rubric;
  });
}

const people = new Map<string, Promise<Employee | null>>();

/** An employee record, or null when the caller may not see it (the API answers 404) or it does not exist. */
export function loadPerson(api: Api, id: string): Promise<Employee | null> {
  // A role (`hr@<unit>`, `body@<id>`: the approver of a head of a top-level unit) is nobody's record.
  if (id.includes('@')) return Promise.resolve(null);
  let p = people.get(id);
  if (!p) {
    p = api.get<Employee>(`/v1/employees/${encodeURIComponent(id)}`).catch((e: unknown) => {
      if (e instanceof ApiError && (e.status === 404 || e.status === 403)) return null;
      people.delete(id);
      throw e;
    });
    people.set(id, p);
  }
  return p;
}

/** Forget a person (after an edit), so the next read is fresh. */
export const forgetPerson = (id: string) => people.delete(id);

let unitsRequest: Promise<Unit[] | null> | null = null;

/** Every unit the caller may list (HR and admins); null for everyone else (the API answers 403). */
export function loadUnits(api: Api): Promise<Unit[] | null> {
  unitsRequest ??= api.get<{ items: Unit[] }>('/v1/units').then(
    (r) => r.items,
    (e: unknown) => {
      if (e instanceof ApiError && e.status === 403) return null;
      unitsRequest = null;
      throw e;
    },
  );
  return unitsRequest;
}

/** On a change of user: nothing read for the previous one is shown to the next. */
export function clearDirectory(): void {
  people.clear();
  unitsRequest = null;
}

/**
 * A unit's name and its parent's, for official headers. HR and admins list units; others learn the unit's
 * name from a ranking snapshot they may read (any of `periods`); the parent then stays unnamed.
 */
export async function unitHeading(
  api: Api,
  unitId: string,
  periods: readonly string[],
): Promise<{ unit: string; parent: string | null }> {
  const units = await loadUnits(api);
  if (units) {
    const unit = units.find((u) => u.id === unitId);
    const parent = unit?.parentId ? units.find((u) => u.id === unit.parentId) : undefined;
    return { unit: unit?.name ?? unitId, parent: parent?.name ?? null };
  }
  for (const period of periods) {
    const ranking = await api
      .get<{ unitName: string }>(`/v1/units/${encodeURIComponent(unitId)}/rankings/${period}`)
      .catch(() => null);
    if (ranking) return { unit: ranking.unitName, parent: null };
  }
  return { unit: unitId, parent: null };
}
