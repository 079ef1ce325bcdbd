/**
 * Names and units the pages show instead of ids, read once per page load: rubrics (cached in localStorage by id
 * and version: they are public to every signed-in user and never change within a version), people's names
 * (`GET /v1/employees/{id}`, which answers only for those the caller may see: others stay unnamed) and units.
 */
import { useEffect, useState } from 'preact/hooks';
import { type Api, ApiError } from '../api/client.ts';
import type { Employee, Rubric, Unit } from '../api/types.ts';

const RUBRIC_PREFIX = 'danh-gia.rubric.';

function cachedRubric(id: string): Rubric | null {
  try {
    const raw = localStorage.getItem(`${RUBRIC_PREFIX}${id}`);
    return raw ? (JSON.parse(raw) as Rubric) : null;
  } catch {
    return null;
  }
}

const rubricRequests = new Map<string, Promise<Rubric>>();

/**
 * The rubric an evaluation was scored with: from the cache when it holds that version, else the API's current
 * version (the API serves only the latest).
 */
export function loadRubric(api: Api, id: string, version?: number): Promise<Rubric> {
  const cached = cachedRubric(id);
  if (cached && (version === undefined || cached.version === version)) return Promise.resolve(cached);
  let request = rubricRequests.get(id);
  if (!request) {
    request = api.get<Rubric>(`/v1/rubrics/${encodeURIComponent(id)}`).then(
      (rubric) => {
        try {
          localStorage.setItem(`${RUBRIC_PREFIX}${id}`, JSON.stringify(rubric));
        } catch {
          // no storage: fetched each time
        }
        return rubric;
      },
      (error: unknown) => {
        rubricRequests.delete(id);
        throw error;
      },
    );
    rubricRequests.set(id, request);
  }
  return request;
}

const people = new Map<string, Promise<Employee | null>>();

/** An employee record, or null when the caller may not see it (the API answers 404) or it does not exist. */
export function loadPerson(api: Api, id: string): Promise<Employee | null> {
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

/** Names of these people, as far as the caller may see them; filled in as they arrive. */
export function useNames(api: Api, ids: readonly (string | null | undefined)[]): Map<string, string> {
  const key = [...new Set(ids.filter((x): x is string => !!x))].sort().join(',');
  const [names, setNames] = useState<Map<string, string>>(new Map());
  useEffect(() => {
    let live = true;
    if (key === '') return;
    void Promise.all(
      key.split(',').map(async (id) => [id, (await loadPerson(api, id).catch(() => null))?.name] as const),
    ).then((pairs) => {
      if (!live) return;
      setNames(new Map(pairs.filter((p): p is readonly [string, string] => typeof p[1] === 'string')));
    });
    return () => {
      live = false;
    };
  }, [api, key]);
  return names;
}

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
