/** Rubric use cases: everyone signed in reads rubrics (the form is built from them); only admins make versions. */
import { AppError, forbidden, notFound } from '../domain/errors.ts';
import { nextRubricVersion, type RubricInput, sameRubricContent } from '../domain/rubrics.ts';
import { type Caller, isAdmin } from './caller.ts';
import { presentRubric } from './present.ts';

export async function readRubrics(caller: Caller) {
  return { items: (await caller.store.rubrics.listLatest()).map(presentRubric) };
}

export async function readRubric(caller: Caller, rubricId: string) {
  const rubric = await caller.store.rubrics.getLatest(rubricId);
  if (!rubric) throw notFound(`Không có bộ tiêu chí "${rubricId}".`);
  return presentRubric(rubric);
}

/**
 * One version of a rubric, as an evaluation names it (`rubricId`, `rubricVersion`): its criteria and its bands are
 * those the evaluation is graded with, even after newer versions (e.g. the web's live grade preview).
 */
export async function readRubricVersion(caller: Caller, rubricId: string, version: number) {
  const rubric = await caller.store.rubrics.getVersion(rubricId, version);
  if (!rubric) throw notFound(`Không có bộ tiêu chí "${rubricId}" phiên bản ${version}.`);
  return presentRubric(rubric);
}

export function requireRubricAdmin(caller: Pick<Caller, 'principal'>): void {
  if (!isAdmin(caller.principal)) throw forbidden('Chỉ quản trị hệ thống được sửa bộ tiêu chí.');
}

export async function createRubricVersion(caller: Caller, rubricId: string, input: RubricInput) {
  requireRubricAdmin(caller);
  const previous = await caller.store.rubrics.getLatest(rubricId);
  const rubric = nextRubricVersion(previous, { ...input, id: rubricId });
  if (previous && sameRubricContent(previous, rubric)) return presentRubric(previous);
  if (!(await caller.store.rubrics.putVersion(rubric))) {
    // Someone saved a version meanwhile: if it is this very content (a doubled save), that is our answer.
    const winner = await caller.store.rubrics.getLatest(rubricId);
    if (winner && sameRubricContent(winner, rubric)) return presentRubric(winner);
    throw new AppError(
      'CONFLICT',
      'Một phiên bản mới của bộ tiêu chí vừa được tạo; hãy tải lại rồi thử lại.',
    );
  }
  await caller.store.org.recordAudit({
    at: caller.now.toISOString(),
    actorId: caller.principal.employeeId,
    action: 'version',
    entity: 'rubric',
    entityId: `${rubric.id}@${rubric.version}`,
  });
  return presentRubric(rubric);
}
