/**
 * Rubric versions. The built-in rubrics (version 1 of hn-3814 and nd-335) live in code; every version an admin
 * makes is stored, and a stored version is never changed, so an evaluation's (rubricId, rubricVersion) always
 * finds the rules it was scored with.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { BUILT_IN_RUBRICS, findRubric, type Rubric } from '../domain/rubrics.ts';
import type { Db } from './client.ts';
import { putIfAbsent } from './conditional-write.ts';
import { decode, rubricRecordSchema } from './entities.ts';
import { keys } from './keys.ts';
import { queryAll } from './query.ts';

const toRubric = (item: Record<string, unknown>): Rubric => decode(rubricRecordSchema, item, 'rubric');

export function rubricStore(db: Db) {
  return {
    async getVersion(rubricId: string, version: number): Promise<Rubric | null> {
      const builtIn = findRubric(BUILT_IN_RUBRICS, rubricId, version);
      if (builtIn) return builtIn;
      const k = keys.rubric(rubricId, version);
      const { Item } = await db.doc.send(
        new GetCommand({ TableName: db.tableName, Key: { pk: k.pk, sk: k.sk } }),
      );
      return Item ? toRubric(Item) : null;
    },

    async getLatest(rubricId: string): Promise<Rubric | null> {
      const spec = keys.rubricVersions(rubricId);
      const [latest] = await queryAll(db, {
        pk: spec.pk,
        skPrefix: spec.skPrefix,
        descending: true,
        limit: 1,
        consistent: true,
      });
      return latest ? toRubric(latest) : (findRubric(BUILT_IN_RUBRICS, rubricId) ?? null);
    },

    /** The latest version of every rubric, built-in or stored. */
    async listLatest(): Promise<Rubric[]> {
      const latest = new Map<string, Rubric>();
      for (const rubric of BUILT_IN_RUBRICS) latest.set(rubric.id, rubric);
      for (const item of await queryAll(db, keys.allRubrics())) {
        const rubric = toRubric(item);
        const known = latest.get(rubric.id);
        if (!known || rubric.version > known.version) latest.set(rubric.id, rubric);
      }
      return [...latest.values()].sort((a, b) => a.id.localeCompare(b.id));
    },

    /** Stores a new version; false when that version number was taken meanwhile (two admins at once). */
    async putVersion(rubric: Rubric): Promise<boolean> {
      return putIfAbsent(db, { ...keys.rubric(rubric.id, rubric.version), ...rubric });
    },
  };
}

export type RubricStore = ReturnType<typeof rubricStore>;
