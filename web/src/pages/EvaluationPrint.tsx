/**
 * The monthly evaluation form for the personnel file, to print or download as PDF: the employee's own
 * (`/danh-gia/YYYY-MM/phieu`) or, for their leaders and HR, anyone's they may see (`/phieu/{employeeId}/YYYY-MM`).
 * The leaders' names come with the evaluation; what the app does not know (the place) is left for the pen.
 */
import type { Evaluation } from '../api/types.ts';
import { OfficialToolbar, OfficialView } from '../components/Official.tsx';
import { ErrorNotice, Loading } from '../components/ui.tsx';
import { isHr, useApp } from '../context.ts';
import { loadPerson, loadRubric, unitHeading } from '../lib/directory.ts';
import { evaluationPath } from '../lib/evaluation.ts';
import { formatPeriod } from '../lib/format.ts';
import { useLoad } from '../lib/hooks.ts';
import { evaluationForm } from '../lib/official.ts';
import { usePageTitle } from '../lib/router.tsx';

export function EvaluationPrintPage({ employeeId, period }: { employeeId: string; period: string }) {
  const { api, me } = useApp();
  const own = employeeId === me.employeeId;
  usePageTitle(`Phiếu đánh giá ${formatPeriod(period)}`, `/phieu/${employeeId}/${period}`);
  const data = useLoad(async () => {
    const evaluation = await api.get<Evaluation>(evaluationPath(employeeId, period));
    const [rubric, heading, person] = await Promise.all([
      loadRubric(api, evaluation.rubricId, evaluation.rubricVersion),
      // Only HR may list units (for the parent unit's line); for others the evaluation names the unit.
      isHr(me.roles) || !evaluation.unitName
        ? unitHeading(api, evaluation.unitId, [period, ...me.openPeriods])
        : Promise.resolve({ unit: evaluation.unitName, parent: null }),
      own ? Promise.resolve(me.employee) : loadPerson(api, employeeId).catch(() => null),
    ]);
    // The leaders' names come with the evaluation (the person evaluated may not look them up): whoever signed
    // each step, else whoever it falls to; a role (heads of top-level units) is named by what it is.
    return evaluationForm(evaluation, rubric, {
      unitName: evaluation.unitName ?? heading.unit,
      parentUnitName: heading.parent,
      category: person?.category ?? null,
      reviewerName: evaluation.review?.reviewerName ?? evaluation.reviewerName ?? null,
      approverName:
        evaluation.decision?.approverName ?? evaluation.approverName ?? evaluation.approverRole ?? null,
      now: new Date(),
    });
  }, [employeeId, period]);

  return (
    <main id="main" class="print-page">
      <h1 tabIndex={-1} class="no-print">
        Phiếu đánh giá, xếp loại {formatPeriod(period)}
      </h1>
      {data.loading && !data.data && <Loading />}
      <ErrorNotice error={data.error} />
      {data.data && (
        <>
          <OfficialToolbar
            doc={data.data}
            back={
              own
                ? { href: `/danh-gia/${period}`, label: 'Về trang tự đánh giá' }
                : { href: '/', label: 'Về trang Việc cần làm' }
            }
          />
          <OfficialView doc={data.data} />
        </>
      )}
    </main>
  );
}
