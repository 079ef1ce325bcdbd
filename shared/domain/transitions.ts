/**
 * The monthly cycle of one evaluation as one pure function, `decide` (DOMAIN.md "The monthly cycle", API.md
 * "Evaluations"). Given the evaluation, how the caller relates to it, the action, the time and the context the
 * API has loaded (rubric, employee flags, unit quota counters, appeal deadline, subordinates' grades), it says
 * either what the evaluation becomes and what to record in its history, or why not, with a contract error code.
 * It never throws and never reads the clock.
 *
 * Order of checks, so a caller learns the most relevant reason first:
 *   1. who — a caller without the role the action needs gets FORBIDDEN (HR and admin may read but never act as
 *      employee, reviewer or approver; nobody reviews, approves or decides the appeal of their own evaluation);
 *   2. state — the right person in the wrong state gets INVALID_TRANSITION (nothing but the appeal happens
 *      after approval; nothing at all after expiry);
 *   3. time — DEADLINE_PASSED where a deadline is a hard stop (self-assessment, return to the employee, appeal);
 *      late reviews and approvals are allowed and flagged instead;
 *   4. body — VALIDATION_FAILED with one detail per problem (scores, mandatory comments);
 *   5. quota — QUOTA_EXCEEDED when the grade an approval or appeal gives would break the unit's A quota.
 *
 * Decisions on points the rules leave open (all [default], documented here and in the report):
 * - Return to the employee is only possible up to the self-assessment deadline: after it the employee could no
 *   longer resubmit, so the return would strand the evaluation. The reviewer scores it directly instead
 *   (DEADLINE_PASSED). A return to the reviewer (by the approver) has no deadline: late reviews are flagged.
 * - The approver may review and approve in one step (flag `reviewedByApprover`) after the review deadline, or at
 *   any time when the approver is also the evaluation's reviewer. An unsubmitted draft additionally needs the
 *   self-assessment deadline to have passed (flag `selfAssessmentMissing`). The approver's scores are then also
 *   stored as the review, so self-vs-review comparisons still work.
 * - An approval `scores` that equal the reviewer's are no adjustment and need no comment.
 * - expire: by the system job (`isSystem`), an admin, or HR in scope (HR may close periods). It does not check the
 *   clock: closing the period is the decision; the API closes at `closesAt`.
 * - Appeal: one per evaluation. Accepting without scores recomputes the grade from the current scores with the
 *   employee's current flags (e.g. HR lifted a wrongly recorded discipline flag); accepting with scores replaces
 *   them. Either way the old decision is kept in `appeal.previousDecision`.
 * - reopen: the one exception to "nothing after expiry". An admin reopens a period closed by mistake (the period's
 *   own rules, in app/periods/reopen.ts, decide when); each EXPIRED evaluation returns to the status it had when
 *   the close expired it (`expiredFrom`, recorded by `expire`; for an older one, what its history says).
 */
import { formatVietnamTime, instantMs, isAfter } from './calendar.ts';
import { type GradeResult, gradeFor, leaderTaskScore } from './grades.ts';
import { formatPoints, parsePoints, sum, toPoints } from './points.ts';
import { checkGradeChange, type QuotaState } from './quota.ts';
import { type Rubric, scoresToPoints, validateScores } from './rubrics.ts';
import {
  ACTION_TYPES,
  type Action,
  type ActionType,
  type ActorRelations,
  type Decision,
  type DomainErrorCode,
  type EmployeeFlags,
  type Evaluation,
  type EvaluationFlags,
  type EvaluationStatus,
  type Grade,
  type Hundredths,
  type Problem,
  type Review,
  type ScoreMap,
} from './types.ts';

export interface DecideInput {
  evaluation: Evaluation;
  relations: ActorRelations;
  action: Action;
  /** The time of the action, ISO 8601 with offset. */
  now: string;
  /** The rubric the evaluation is scored with (its rubricId and rubricVersion). */
  rubric: Rubric;
  /** The employee's flags as HR recorded them (forced D). */
  employeeFlags: EmployeeFlags;
  /** The unit's quota counters for the period, as read for a conditional write. */
  quota: QuotaState;
  /** Last instant to appeal (see `appealDeadline` in calendar.ts); null while not published. */
  appealDeadline: string | null;
  /**
   * Grades of the unit head's subordinates for the period, for the leader rule (approve and decideAppeal of a
   * unit head under a rubric with `leaderTaskCriterion`). Absent: the rule is not (re)evaluated.
   */
  subordinateGrades?: Grade[];
  /**
   * Scores the system computes rather than a person (the task criterion from the products the work systems fed,
   * see products.ts). The self-assessment, the review and the approval take them: a client omits such a criterion
   * or sends the same value, another value is refused on `scores.<id>`. An accepted appeal with scores may set
   * another value (the decider's judgement on the complaint). Absent or empty: everything is scored by hand.
   */
  computedScores?: ScoreMap;
}

export interface TransitionEvent {
  action: ActionType;
  fromStatus: EvaluationStatus;
  toStatus: EvaluationStatus;
  comment: string | null;
  /** What changed, for the history. Points (not hundredths), as users read them. */
  changes: Record<string, unknown> | null;
}

export interface Decided {
  ok: true;
  next: Evaluation;
  event: TransitionEvent;
  /** The approved grade this action gives or replaces, for the unit's quota counters; null when none changes. */
  gradeChange: { from: Grade | null; to: Grade | null } | null;
}

export interface Refused {
  ok: false;
  code: DomainErrorCode;
  message: string;
  details?: Problem[];
}

/** Longest comment or appeal reason accepted, in characters. */
export const MAX_COMMENT_LENGTH = 4000;

const refuse = (code: DomainErrorCode, message: string, details?: Problem[]): Refused =>
  details === undefined ? { ok: false, code, message } : { ok: false, code, message, details };

const invalid = (problems: Problem[]): Refused =>
  refuse('VALIDATION_FAILED', problems.map((p) => p.message).join(' '), problems);

const STATUS_LABELS: Record<EvaluationStatus, string> = {
  DRAFT: 'Nháp',
  SUBMITTED: 'Đã nộp',
  REVIEWED: 'Đã nhận xét',
  APPROVED: 'Đã phê duyệt',
  RETURNED: 'Bị trả lại',
  EXPIRED: 'Hết hạn',
};

function statusText(e: Evaluation): string {
  if (e.status === 'RETURNED' && e.returnedTo === 'employee') return 'Bị trả lại cho người lao động';
  if (e.status === 'RETURNED' && e.returnedTo === 'reviewer') return 'Bị trả lại cho người nhận xét';
  return STATUS_LABELS[e.status] ?? String(e.status);
}

const wrongState = (what: string, e: Evaluation): Refused =>
  refuse('INVALID_TRANSITION', `${what} (trạng thái hiện tại: ${statusText(e)}).`);

/** Comments: trimmed; empty means none. */
type CommentResult = { ok: true; value: string | null } | { ok: false; problem: Problem };

/** An optional comment and a score sheet, with every problem of both reported in one refusal. */
function readScoredInput(
  rubric: Rubric,
  raw: { comment: unknown; scores: unknown },
  options: { requireAll: boolean },
):
  | {
      ok: true;
      comment: { ok: true; value: string | null };
      scores: { ok: true; scores: ScoreMap; total: number };
    }
  | Refused {
  const comment = readComment(raw.comment, 'comment', false, '');
  const scores = validateScores(rubric, raw.scores, options);
  const problems: Problem[] = [];
  if (!comment.ok) problems.push(comment.problem);
  if (!scores.ok) problems.push(...scores.problems);
  if (!comment.ok || !scores.ok) return invalid(problems);
  return { ok: true, comment, scores };
}

/**
 * The client's raw scores with the computed ones put in: a computed criterion is filled when omitted; when sent
 * with another value it is refused (`enforce`) or kept (an appeal decision).
 */
function withComputedScores(
  input: DecideInput,
  raw: unknown,
  enforce: boolean,
): { raw: unknown; problems: Problem[] } {
  const computed = input.computedScores ?? {};
  const ids = Object.keys(computed);
  if (ids.length === 0 || typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { raw, problems: [] };
  }
  const out: Record<string, unknown> = { ...(raw as Record<string, unknown>) };
  const problems: Problem[] = [];
  for (const id of ids) {
    const value = computed[id] as Hundredths;
    if (Object.hasOwn(out, id)) {
      if (!enforce) continue;
      const sent = parsePoints(out[id]);
      if (!sent.ok || sent.value !== value) {
        problems.push({
          path: `scores.${id}`,
          message: `Điểm tiêu chí này được tính từ các sản phẩm quy đổi (${formatPoints(value)} điểm), không nhập tay.`,
        });
      }
    }
    out[id] = toPoints(value);
  }
  return { raw: out, problems };
}

/** One refusal naming the problems of a score sheet and those of its computed scores. */
function mergedRefusal(scored: ReturnType<typeof readScoredInput>, computed: Problem[]): Refused {
  const problems = [...computed, ...(scored.ok ? [] : (scored.details ?? []))];
  return invalid(problems);
}

function readComment(
  value: unknown,
  path: string,
  required: boolean,
  requiredMessage: string,
): CommentResult {
  if (value === null || value === undefined) {
    return required ? { ok: false, problem: { path, message: requiredMessage } } : { ok: true, value: null };
  }
  if (typeof value !== 'string')
    return { ok: false, problem: { path, message: 'Phải là một chuỗi văn bản.' } };
  const trimmed = value.trim();
  if (trimmed.length > MAX_COMMENT_LENGTH) {
    return { ok: false, problem: { path, message: `Không được dài quá ${MAX_COMMENT_LENGTH} ký tự.` } };
  }
  if (trimmed === '') {
    return required ? { ok: false, problem: { path, message: requiredMessage } } : { ok: true, value: null };
  }
  return { ok: true, value: trimmed };
}

function missingCriteria(rubric: Rubric, scores: ScoreMap): Problem[] {
  return rubric.criteria
    .filter((c) => !Object.hasOwn(scores, c.id))
    .map((c) => ({
      path: `selfAssessment.scores.${c.id}`,
      message: `Chưa chấm điểm tiêu chí “${c.label}”.`,
    }));
}

function sameScores(a: ScoreMap, b: ScoreMap): boolean {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
}

function diffScores(
  before: ScoreMap,
  after: ScoreMap,
): Record<string, { from: number | null; to: number | null }> {
  const out: Record<string, { from: number | null; to: number | null }> = {};
  for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const from = before[k];
    const to = after[k];
    if (from !== to)
      out[k] = {
        from: from === undefined ? null : toPoints(from),
        to: to === undefined ? null : toPoints(to),
      };
  }
  return out;
}

/** The next version. `returnedTo` only means something while RETURNED, so it is cleared in any other status. */
function bump(e: Evaluation, patch: Partial<Evaluation>): Evaluation {
  const next = { ...e, ...patch, version: e.version + 1 };
  if (next.status !== 'RETURNED') next.returnedTo = null;
  return next;
}

function withFlags(e: Evaluation, set: (keyof EvaluationFlags)[]): EvaluationFlags {
  const flags: EvaluationFlags = { ...e.flags };
  for (const f of set) flags[f] = true;
  return flags;
}

function ok(
  e: Evaluation,
  next: Evaluation,
  action: ActionType,
  comment: string | null,
  changes: Record<string, unknown> | null,
  gradeChange: Decided['gradeChange'] = null,
): Decided {
  return {
    ok: true,
    next,
    event: { action, fromStatus: e.status, toStatus: next.status, comment, changes },
    gradeChange,
  };
}

function rubricMismatch(e: Evaluation, rubric: Rubric): Refused | null {
  if (e.rubricId === rubric.id && e.rubricVersion === rubric.version) return null;
  return refuse(
    'CONFLICT',
    `Phiếu đánh giá được chấm theo bộ tiêu chí ${e.rubricId} phiên bản ${e.rubricVersion}, không phải ${rubric.id} phiên bản ${rubric.version}.`,
  );
}

/** After approval only the appeal remains; after expiry nothing. */
function closed(e: Evaluation): Refused | null {
  if (e.status === 'EXPIRED') return wrongState('Kỳ đánh giá đã đóng, phiếu đã hết hạn', e);
  if (e.status === 'APPROVED') return wrongState('Phiếu đã được phê duyệt; chỉ còn có thể khiếu nại', e);
  return null;
}

const awaitingEmployee = (e: Evaluation) =>
  e.status === 'DRAFT' || (e.status === 'RETURNED' && e.returnedTo === 'employee');
const awaitingReviewer = (e: Evaluation) =>
  e.status === 'SUBMITTED' || (e.status === 'RETURNED' && e.returnedTo === 'reviewer');

const is = (v: unknown): boolean => v === true;

/** Grade with the forced flags and, for a unit head under a rubric that has one, the leader rule. */
function finalGrade(
  input: DecideInput,
  scores: ScoreMap,
  previousLeaderRule: Decision['leaderRule'],
): { scores: ScoreMap; total: Hundredths; grade: GradeResult; leaderRule: Decision['leaderRule'] } {
  const { rubric, evaluation: e } = input;
  let finalScores = scores;
  let leaderRule: Decision['leaderRule'] = null;
  const criterion = rubric.leaderTaskCriterion;
  if (criterion !== undefined && e.isUnitHead) {
    const before = scores[criterion];
    // Without fresh subordinate grades, the rule's previous outcome stands (an appeal must not undo it silently).
    const subordinates =
      input.subordinateGrades ??
      (previousLeaderRule != null && previousLeaderRule.after < previousLeaderRule.before
        ? ['D' as const]
        : undefined);
    if (before !== undefined && subordinates !== undefined) {
      const after = leaderTaskScore(before, subordinates);
      if (after !== before) {
        finalScores = { ...scores, [criterion]: after };
        leaderRule = { criterionId: criterion, before, after };
      }
    }
  }
  const total = sum(Object.values(finalScores));
  const grade = gradeFor(total, rubric.bands, { ...input.employeeFlags, isUnitHead: e.isUnitHead });
  return { scores: finalScores, total, grade, leaderRule };
}

/** Scores before the leader rule was applied, so it is never applied twice. */
function scoresBeforeLeaderRule(d: Decision): ScoreMap {
  if (d.leaderRule == null) return d.scores;
  return { ...d.scores, [d.leaderRule.criterionId]: d.leaderRule.before };
}

// ---------------------------------------------------------------------------------------------------------------

/**
 * The first check of every action (who): whether the caller has the role the action needs, with the refusal
 * users read when not. The API asks it before it reads the request's body, so a caller without the role learns
 * nothing of the body's rules; `decide` asks it again first, so the rules engine never relies on that.
 */
export function actorMayAct(
  type: ActionType,
  r: ActorRelations,
  e: { decision: Pick<Decision, 'approverId'> | null },
): Refused | null {
  switch (type) {
    case 'saveSelfAssessment':
      return is(r.isEmployee) ? null : refuse('FORBIDDEN', 'Chỉ người được đánh giá mới được tự đánh giá.');
    case 'submit':
      return is(r.isEmployee)
        ? null
        : refuse('FORBIDDEN', 'Chỉ người được đánh giá mới được nộp bản tự đánh giá.');
    case 'review':
      if (!is(r.isReviewer))
        return refuse('FORBIDDEN', 'Chỉ người trực tiếp quản lý được phân công mới được nhận xét.');
      if (is(r.isEmployee))
        return refuse('FORBIDDEN', 'Không ai được tự nhận xét phiếu đánh giá của chính mình.');
      return null;
    case 'return':
      if (!is(r.isReviewer) && !is(r.isApprover) && !is(r.isActingApprover))
        return refuse(
          'FORBIDDEN',
          'Chỉ người nhận xét hoặc người phê duyệt mới được trả lại phiếu đánh giá.',
        );
      if (is(r.isEmployee))
        return refuse('FORBIDDEN', 'Không ai được tự trả lại phiếu đánh giá của chính mình.');
      return null;
    case 'approve':
      if (!is(r.isApprover) && !is(r.isActingApprover))
        return refuse(
          'FORBIDDEN',
          'Chỉ người đứng đầu đơn vị (hoặc người được giao quyền) mới được phê duyệt.',
        );
      if (is(r.isEmployee))
        return refuse('FORBIDDEN', 'Không ai được tự phê duyệt phiếu đánh giá của chính mình.');
      return null;
    case 'appeal':
      return is(r.isEmployee)
        ? null
        : refuse('FORBIDDEN', 'Chỉ người được đánh giá mới được khiếu nại kết quả của mình.');
    case 'decideAppeal':
      if (!is(r.isAppealDecider) && !is(r.isHrInScope))
        return refuse(
          'FORBIDDEN',
          'Chỉ cấp trên của người phê duyệt hoặc cơ quan tổ chức cán bộ mới được giải quyết khiếu nại.',
        );
      if (is(r.isEmployee) || (e.decision !== null && e.decision.approverId === r.actorId))
        return refuse(
          'FORBIDDEN',
          'Người khiếu nại hoặc người đã phê duyệt kết quả không được tự giải quyết khiếu nại.',
        );
      return null;
    case 'expire':
      return is(r.isSystem) || is(r.isAdmin) || is(r.isHrInScope)
        ? null
        : refuse(
            'FORBIDDEN',
            'Chỉ hệ thống, quản trị viên hoặc cơ quan tổ chức cán bộ mới được đóng kỳ đánh giá.',
          );
    case 'reopen':
      return is(r.isAdmin)
        ? null
        : refuse('FORBIDDEN', 'Chỉ quản trị viên mới được mở lại kỳ đánh giá đã đóng.');
  }
}

/**
 * What the employee's own steps (save, submit) require, in this order: the employee, an evaluation still open,
 * waiting for them, before the self-assessment deadline, scored with its own rubric.
 */
function employeeMayAct(input: DecideInput, texts: { wrongState: string; deadline: string }): Refused | null {
  const { evaluation: e, now, rubric } = input;
  const c = closed(e);
  if (c !== null) return c;
  if (!awaitingEmployee(e)) return wrongState(texts.wrongState, e);
  if (isAfter(now, e.deadlines.selfAssessment)) {
    return refuse('DEADLINE_PASSED', `${texts.deadline} (${formatVietnamTime(e.deadlines.selfAssessment)}).`);
  }
  return rubricMismatch(e, rubric);
}

function saveSelfAssessment(input: DecideInput, action: Extract<Action, { type: 'saveSelfAssessment' }>) {
  const { evaluation: e, rubric } = input;
  const refused = employeeMayAct(input, {
    wrongState: 'Chỉ có thể sửa bản tự đánh giá khi phiếu là bản nháp hoặc được trả lại cho bạn',
    deadline: 'Đã quá hạn tự đánh giá',
  });
  if (refused !== null) return refused;
  const merged = withComputedScores(input, action.scores, true);
  const scored = readScoredInput(
    rubric,
    { comment: action.comment, scores: merged.raw },
    { requireAll: false },
  );
  if (!scored.ok || merged.problems.length > 0) return mergedRefusal(scored, merged.problems);
  const { comment, scores } = scored;
  const next = bump(e, {
    selfAssessment: { scores: scores.scores, total: scores.total, comment: comment.value, submittedAt: null },
  });
  return ok(e, next, 'saveSelfAssessment', comment.value, {
    scores: scoresToPoints(scores.scores),
    total: toPoints(scores.total),
  });
}

function submit(input: DecideInput) {
  const { evaluation: e, rubric, now } = input;
  const refused = employeeMayAct(input, {
    wrongState: 'Chỉ có thể nộp khi phiếu là bản nháp hoặc được trả lại cho bạn',
    deadline: 'Đã quá hạn nộp bản tự đánh giá',
  });
  if (refused !== null) return refused;
  const sa = e.selfAssessment;
  if (sa === null) {
    return invalid([
      { path: 'selfAssessment', message: 'Chưa có bản tự đánh giá; hãy lưu điểm tự đánh giá trước khi nộp.' },
    ]);
  }
  // Computed scores as they stand now: the products may have changed since the last save.
  const saScores = { ...sa.scores, ...input.computedScores };
  const missing = missingCriteria(rubric, saScores);
  if (missing.length > 0) return invalid(missing);
  const total = sum(Object.values(saScores));
  const next = bump(e, {
    status: 'SUBMITTED',
    returnedTo: null,
    selfAssessment: { ...sa, scores: saScores, total, submittedAt: now },
  });
  return ok(e, next, 'submit', null, { total: toPoints(total) });
}

function review(input: DecideInput, action: Extract<Action, { type: 'review' }>) {
  const { evaluation: e, relations: r, now, rubric } = input;
  const c = closed(e);
  if (c !== null) return c;
  let selfAssessmentMissing = false;
  if (awaitingEmployee(e)) {
    if (!isAfter(now, e.deadlines.selfAssessment)) {
      return wrongState(
        `Người lao động chưa nộp bản tự đánh giá; sau hạn tự đánh giá (${formatVietnamTime(e.deadlines.selfAssessment)}) bạn có thể nhận xét trên bản hiện có`,
        e,
      );
    }
    selfAssessmentMissing = true;
  } else if (!awaitingReviewer(e)) {
    return wrongState('Phiếu không ở bước chờ nhận xét', e);
  }
  const mismatch = rubricMismatch(e, rubric);
  if (mismatch !== null) return mismatch;
  const merged = withComputedScores(input, action.scores, true);
  const scored = readScoredInput(
    rubric,
    { comment: action.comment, scores: merged.raw },
    { requireAll: true },
  );
  if (!scored.ok || merged.problems.length > 0) return mergedRefusal(scored, merged.problems);
  const { comment, scores } = scored;
  const late = isAfter(now, e.deadlines.review);
  const flags: (keyof EvaluationFlags)[] = [];
  if (late) flags.push('lateReview');
  if (selfAssessmentMissing) flags.push('selfAssessmentMissing');
  const rev: Review = {
    scores: scores.scores,
    total: scores.total,
    comment: comment.value,
    reviewedAt: now,
    reviewerId: r.actorId,
  };
  const next = bump(e, { status: 'REVIEWED', returnedTo: null, review: rev, flags: withFlags(e, flags) });
  return ok(e, next, 'review', comment.value, {
    scores: scoresToPoints(scores.scores),
    total: toPoints(scores.total),
    ...(late ? { late: true } : {}),
    ...(selfAssessmentMissing ? { selfAssessmentMissing: true } : {}),
  });
}

function returnEvaluation(input: DecideInput, action: Extract<Action, { type: 'return' }>) {
  const { evaluation: e, relations: r, now } = input;
  const approver = is(r.isApprover) || is(r.isActingApprover);
  const c = closed(e);
  if (c !== null) return c;
  let returnedTo: 'employee' | 'reviewer';
  if (e.status === 'SUBMITTED') {
    if (!is(r.isReviewer))
      return wrongState('Chỉ người nhận xét mới trả lại phiếu đã nộp cho người lao động', e);
    if (isAfter(now, e.deadlines.selfAssessment)) {
      return refuse(
        'DEADLINE_PASSED',
        `Đã quá hạn tự đánh giá (${formatVietnamTime(e.deadlines.selfAssessment)}), người lao động không thể nộp lại; hãy nhận xét và chấm điểm trực tiếp.`,
      );
    }
    returnedTo = 'employee';
  } else if (e.status === 'REVIEWED') {
    if (!approver)
      return wrongState('Chỉ người phê duyệt mới trả lại phiếu đã nhận xét cho người nhận xét', e);
    returnedTo = 'reviewer';
  } else {
    return wrongState('Chỉ có thể trả lại phiếu đã nộp hoặc đã nhận xét', e);
  }
  const comment = readComment(action.comment, 'comment', true, 'Cần ghi rõ lý do trả lại.');
  if (!comment.ok) return invalid([comment.problem]);
  const patch: Partial<Evaluation> = { status: 'RETURNED', returnedTo };
  // The employee revises and submits again, so the self-assessment is no longer a submitted one.
  if (returnedTo === 'employee' && e.selfAssessment !== null) {
    patch.selfAssessment = { ...e.selfAssessment, submittedAt: null };
  }
  return ok(e, bump(e, patch), 'return', comment.value, { returnedTo });
}

function approve(input: DecideInput, action: Extract<Action, { type: 'approve' }>) {
  const { evaluation: e, relations: r, now, rubric } = input;
  const c = closed(e);
  if (c !== null) return c;
  const reviewDeadlinePassed = isAfter(now, e.deadlines.review);
  // The approver reviews and approves in one step after the review deadline, or whenever they are the reviewer.
  const mayActAsReviewer = reviewDeadlinePassed || is(r.isReviewer);
  let oneStep = false;
  let selfAssessmentMissing = false;
  if (e.status === 'REVIEWED') {
    if (e.review === null) return wrongState('Phiếu không có nội dung nhận xét', e);
  } else if (awaitingReviewer(e)) {
    if (!mayActAsReviewer) {
      return wrongState(
        `Phiếu chưa được nhận xét; sau hạn nhận xét (${formatVietnamTime(e.deadlines.review)}) bạn có thể chấm điểm và phê duyệt cùng lúc`,
        e,
      );
    }
    oneStep = true;
  } else if (awaitingEmployee(e)) {
    if (!isAfter(now, e.deadlines.selfAssessment) || !mayActAsReviewer) {
      return wrongState(
        `Người lao động chưa nộp và phiếu chưa được nhận xét; sau hạn nhận xét (${formatVietnamTime(e.deadlines.review)}) bạn có thể chấm điểm và phê duyệt cùng lúc`,
        e,
      );
    }
    oneStep = true;
    selfAssessmentMissing = true;
  } else {
    return wrongState('Phiếu không ở bước chờ phê duyệt', e);
  }
  const mismatch = rubricMismatch(e, rubric);
  if (mismatch !== null) return mismatch;

  const problems: Problem[] = [];
  const comment = readComment(action.comment, 'comment', false, '');
  if (!comment.ok) problems.push(comment.problem);
  let entered: ScoreMap | null = null;
  const rawScores: unknown = action.scores;
  if (rawScores === null || rawScores === undefined) {
    if (oneStep || e.review === null) {
      problems.push({
        path: 'scores',
        message: 'Phiếu chưa được nhận xét: cần chấm điểm đầy đủ các tiêu chí khi phê duyệt.',
      });
    } else {
      entered = e.review.scores;
    }
  } else {
    const merged = withComputedScores(input, rawScores, true);
    problems.push(...merged.problems);
    const v = validateScores(rubric, merged.raw, { requireAll: true });
    if (v.ok) entered = v.scores;
    else problems.push(...v.problems);
  }
  const adjusted = !oneStep && entered !== null && e.review !== null && !sameScores(entered, e.review.scores);
  if (adjusted && comment.ok && comment.value === null) {
    problems.push({ path: 'comment', message: 'Cần ghi rõ lý do khi điều chỉnh điểm của người nhận xét.' });
  }
  if (problems.length > 0 || entered === null || !comment.ok) return invalid(problems);

  const result = finalGrade(input, entered, null);
  const quota = checkGradeChange(rubric.quota, input.quota, { from: null, to: result.grade.grade });
  if (!quota.ok) return refuse('QUOTA_EXCEEDED', quota.message);

  const late = isAfter(now, e.deadlines.approval);
  const acting = !is(r.isApprover) && is(r.isActingApprover);
  const flags: (keyof EvaluationFlags)[] = [];
  if (late) flags.push('lateApproval');
  if (oneStep) flags.push('reviewedByApprover');
  if (selfAssessmentMissing) flags.push('selfAssessmentMissing');
  if (acting) flags.push('approvedByActingHead');
  const decision: Decision = {
    scores: result.scores,
    total: result.total,
    grade: result.grade.grade,
    comment: comment.value,
    approvedAt: now,
    approverId: r.actorId,
    adjusted,
    forcedReason: result.grade.forcedReason,
    leaderRule: result.leaderRule,
  };
  const patch: Partial<Evaluation> = {
    status: 'APPROVED',
    returnedTo: null,
    decision,
    flags: withFlags(e, flags),
  };
  if (oneStep) {
    patch.review = {
      scores: entered,
      total: sum(Object.values(entered)),
      comment: comment.value,
      reviewedAt: now,
      reviewerId: r.actorId,
    };
  }
  const changes: Record<string, unknown> = { total: toPoints(result.total), grade: result.grade.grade };
  if (oneStep) changes.scores = scoresToPoints(entered);
  if (adjusted && e.review !== null) changes.adjustedScores = diffScores(e.review.scores, entered);
  if (result.grade.forcedReason !== null) changes.forcedReason = result.grade.forcedReason;
  if (result.leaderRule != null) {
    changes.leaderRule = {
      criterionId: result.leaderRule.criterionId,
      before: toPoints(result.leaderRule.before),
      after: toPoints(result.leaderRule.after),
    };
  }
  for (const f of flags) changes[f] = true;
  return ok(e, bump(e, patch), 'approve', comment.value, changes, { from: null, to: result.grade.grade });
}

function appeal(input: DecideInput, action: Extract<Action, { type: 'appeal' }>) {
  const { evaluation: e, now } = input;
  if (e.status !== 'APPROVED' || e.decision === null) {
    return wrongState('Chỉ có thể khiếu nại kết quả đã được phê duyệt', e);
  }
  if (e.publishedAt === null) return wrongState('Kết quả chưa được công bố nên chưa thể khiếu nại', e);
  if (e.appeal !== null)
    return wrongState('Kết quả này đã được khiếu nại; mỗi kết quả chỉ được khiếu nại một lần', e);
  if (input.appealDeadline === null) return wrongState('Chưa có thời hạn khiếu nại cho kết quả này', e);
  if (isAfter(now, input.appealDeadline)) {
    return refuse(
      'DEADLINE_PASSED',
      `Đã quá thời hạn khiếu nại (${formatVietnamTime(input.appealDeadline)}).`,
    );
  }
  const reason = readComment(action.reason, 'reason', true, 'Cần nêu rõ nội dung khiếu nại.');
  if (!reason.ok) return invalid([reason.problem]);
  const next = bump(e, { appeal: { reason: reason.value ?? '', filedAt: now, status: 'PENDING' } });
  return ok(e, next, 'appeal', reason.value, null);
}

function decideAppeal(input: DecideInput, action: Extract<Action, { type: 'decideAppeal' }>) {
  const { evaluation: e, relations: r, now, rubric } = input;
  const current = e.decision;
  const pending = e.appeal;
  if (e.status !== 'APPROVED' || current === null || pending === null || pending.status !== 'PENDING') {
    return wrongState('Không có khiếu nại nào đang chờ giải quyết', e);
  }
  const problems: Problem[] = [];
  const comment = readComment(action.comment, 'comment', true, 'Cần ghi rõ nội dung giải quyết khiếu nại.');
  if (!comment.ok) problems.push(comment.problem);
  const accept: unknown = action.accept;
  if (typeof accept !== 'boolean')
    problems.push({ path: 'accept', message: 'Phải là true (chấp nhận) hoặc false (bác).' });
  const rawScores: unknown = action.scores;
  const hasScores = rawScores !== null && rawScores !== undefined;
  if (accept === false && hasScores) {
    problems.push({ path: 'scores', message: 'Không gửi điểm khi bác khiếu nại: kết quả giữ nguyên.' });
  }
  if (problems.length > 0 || !comment.ok) return invalid(problems);
  const decided = { decidedAt: now, deciderId: r.actorId, comment: comment.value ?? '' };

  if (accept !== true) {
    const next = bump(e, { appeal: { ...pending, ...decided, status: 'REJECTED' } });
    return ok(e, next, 'decideAppeal', comment.value, { accept: false });
  }

  const mismatch = rubricMismatch(e, rubric);
  if (mismatch !== null) return mismatch;
  let entered: ScoreMap;
  if (hasScores) {
    const v = validateScores(rubric, withComputedScores(input, rawScores, false).raw, { requireAll: true });
    if (!v.ok) return invalid(v.problems);
    entered = v.scores;
  } else {
    entered = scoresBeforeLeaderRule(current);
  }
  const result = finalGrade(input, entered, current.leaderRule);
  const change = { from: current.grade, to: result.grade.grade };
  const quota = checkGradeChange(rubric.quota, input.quota, change);
  if (!quota.ok) return refuse('QUOTA_EXCEEDED', quota.message);
  const decision: Decision = {
    scores: result.scores,
    total: result.total,
    grade: result.grade.grade,
    comment: comment.value,
    approvedAt: now,
    approverId: r.actorId,
    adjusted: e.review !== null && !sameScores(entered, e.review.scores),
    forcedReason: result.grade.forcedReason,
    leaderRule: result.leaderRule,
  };
  const next = bump(e, {
    decision,
    appeal: { ...pending, ...decided, status: 'ACCEPTED', previousDecision: current },
  });
  return ok(
    e,
    next,
    'decideAppeal',
    comment.value,
    {
      accept: true,
      previous: { total: toPoints(current.total), grade: current.grade },
      next: { total: toPoints(result.total), grade: result.grade.grade },
      ...(hasScores ? { adjustedScores: diffScores(current.scores, result.scores) } : {}),
    },
    change.from === change.to ? null : change,
  );
}

function expire(input: DecideInput) {
  const { evaluation: e } = input;
  if (e.status === 'APPROVED' || e.status === 'EXPIRED') {
    return wrongState('Chỉ phiếu chưa được phê duyệt mới hết hạn khi đóng kỳ', e);
  }
  // What it was is kept, so that reopening a period closed by mistake can bring it back (a few bytes, no read).
  const expiredFrom = { status: e.status, returnedTo: e.status === 'RETURNED' ? e.returnedTo : null };
  return ok(e, bump(e, { status: 'EXPIRED', returnedTo: null, expiredFrom }), 'expire', null, null);
}

function reopen(input: DecideInput, action: Extract<Action, { type: 'reopen' }>) {
  const { evaluation: e } = input;
  if (e.status !== 'EXPIRED') return wrongState('Chỉ phiếu đã hết hạn khi đóng kỳ mới được mở lại', e);
  const before = e.expiredFrom ?? action.before;
  if (!before || before.status === 'EXPIRED' || before.status === 'APPROVED') {
    return wrongState('Không xác định được trạng thái của phiếu trước khi hết hạn', e);
  }
  const reason = readComment(action.reason, 'reason', true, 'Cần nêu rõ lý do mở lại kỳ đánh giá.');
  if (!reason.ok) return invalid([reason.problem]);
  const returnedTo = before.status === 'RETURNED' ? before.returnedTo : null;
  if (before.status === 'RETURNED' && returnedTo === null) {
    return wrongState('Không xác định được phiếu bị trả lại cho ai trước khi hết hạn', e);
  }
  // The status must fit what the evaluation holds (a history that says otherwise is not followed).
  const fits =
    (before.status !== 'SUBMITTED' || e.selfAssessment?.submittedAt != null) &&
    (before.status !== 'REVIEWED' || e.review !== null);
  if (!fits) return wrongState('Trạng thái trước khi hết hạn không khớp với nội dung phiếu', e);
  const deadlines = action.deadlines ?? e.deadlines;
  const next = bump(e, { status: before.status, returnedTo, expiredFrom: null, deadlines });
  return ok(e, next, 'reopen', reason.value, {
    status: before.status,
    ...(returnedTo ? { returnedTo } : {}),
    ...(action.deadlines ? { deadlines: action.deadlines } : {}),
  });
}

/** The one function the API calls for every transition. See the top of this file for the rules. */
export function decide(input: DecideInput): Decided | Refused {
  if (instantMs(input.now) === null) {
    return invalid([{ path: 'now', message: 'Thời điểm thực hiện không hợp lệ.' }]);
  }
  const action: unknown = input.action;
  if (typeof action !== 'object' || action === null) {
    return invalid([{ path: 'action', message: 'Thao tác không hợp lệ.' }]);
  }
  const a = input.action;
  if (!ACTION_TYPES.includes(a.type))
    return invalid([{ path: 'action', message: 'Thao tác không được hỗ trợ.' }]);
  const who = actorMayAct(a.type, input.relations, input.evaluation);
  if (who !== null) return who;
  switch (a.type) {
    case 'saveSelfAssessment':
      return saveSelfAssessment(input, a);
    case 'submit':
      return submit(input);
    case 'review':
      return review(input, a);
    case 'return':
      return returnEvaluation(input, a);
    case 'approve':
      return approve(input, a);
    case 'appeal':
      return appeal(input, a);
    case 'decideAppeal':
      return decideAppeal(input, a);
    case 'expire':
      return expire(input);
    case 'reopen':
      return reopen(input, a);
    default:
      return invalid([{ path: 'action', message: 'Thao tác không được hỗ trợ.' }]);
  }
}
