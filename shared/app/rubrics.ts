/** Rubric use cases: everyone signed in reads rubrics (the form is built from them); only admins make versions. */

import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { isAdmin } from '../auth/principal.ts';
import { nextRubricVersion, type RubricInput } from '../domain/rubrics.ts';
import { ApiError, forbidden, notFound } from '../http/errors.ts';
import { orgAuditItem } from '../store/org-store.ts';
import { getLatestRubric, listLatestRubrics, putRubricVersion } from '../store/rubric-store.ts';
import type { Caller } from './evaluations.ts';
import { presentRubric } from './present.ts';

export async function readRubrics(caller: Caller) {
  return { items: (await listLatestRubrics(caller.db)).map(presentRubric) };
}

export async function readRubric(caller: Caller, rubricId: string) {
  const rubric = await getLatestRubric(caller.db, rubricId);
  if (!rubric) throw notFound(`Không có bộ tiêu chí "${rubricId}".`);
  return presentRubric(rubric);
}

export async function createRubricVersion(caller: Caller, rubricId: string, input: RubricInput) {
  if (!isAdmin(caller.principal)) throw forbidden('Chỉ quản trị hệ thống được sửa bộ tiêu chí.');
  const previous = await getLatestRubric(caller.db, rubricId);
  const rubric = nextRubricVersion(previous, { ...input, id: rubricId });
  if (!(await putRubricVersion(caller.db, rubric))) {
    throw new ApiError(
      'CONFLICT',
      'Một phiên bản mới của bộ tiêu chí vừa được tạo; hãy tải lại rồi thử lại.',
    );
  }
  await caller.db.doc.send(
    new PutCommand({
      TableName: caller.db.tableName,
      Item: orgAuditItem({
        at: caller.now.toISOString(),
        actorId: caller.principal.employeeId,
        action: 'version',
        entity: 'rubric',
        entityId: `${rubric.id}@${rubric.version}`,
      }),
    }),
  );
  return presentRubric(rubric);
}
