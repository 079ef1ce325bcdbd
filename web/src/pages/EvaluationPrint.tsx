/**
 * The monthly evaluation form for the personnel file, to print or download as PDF: the employee's own
 * (`/danh-gia/YYYY-MM/phieu`) or, for their leaders and HR, anyone's they may see (`/phieu/{employeeId}/YYYY-MM`).
 * Names and units are filled in as far as the caller may read them; the rest is left for the pen.
 */
import type { Evaluation } from '../api/types.ts';
import { OfficialToolbar, OfficialView } from '../components/Official.tsx';
import { ErrorNotice, Loading } from '../components/ui.tsx';
import { useApp } from '../context.ts';
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
    // The evaluated person cannot look their leaders up (the API answers 404): their names are left blank.
    const lookUp = (id: string) => (own ? Promise.resolve(null) : loadPerson(api, id).catch(() => null));
    const [rubric, heading, person, reviewer, approver] = await Promise.all([
      loadRubric(api, evaluation.rubricId, evaluation.rubricVersion),
      unitHeading(api, evaluation.unitId, [period, ...me.openPeriods]),
      own ? Promise.resolve(me.employee) : lookUp(employeeId),
      lookUp(evaluation.reviewerId),
      lookUp(evaluation.approverId),
    ]);
    return evaluationForm(evaluation, rubric, {
      unitName: heading.unit,
      parentUnitName: heading.parent,
      category: person?.category ?? null,
      reviewerName: reviewer?.name ?? null,
      // A role (heads of top-level units) is named by what it is.
      approverName: approver?.name ?? evaluation.approverRole ?? null,
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
