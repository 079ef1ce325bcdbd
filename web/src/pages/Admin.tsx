/**
 * HR and administrators: the organisation and the rules, with today's API. An employee's record (edit, move,
 * deactivate, the discipline flags that force grade D), the rubrics (view; an administrator makes a new version
 * from the current one), and the import of units and staff from CSV (all or nothing; the API lists each bad
 * row). Acting heads are named on the approvals page by the head of unit.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError } from '../api/client.ts';
import type {
  Band,
  Criterion,
  Employee,
  EmployeeCategory,
  EmployeeInput,
  ImportPreview,
  ImportResult,
  QuotaRule,
  Rubric,
  SuppressedAddress,
} from '../api/types.ts';
import { ConfirmDialog } from '../components/Dialog.tsx';
import { ErrorNotice, Loading, Section, SuccessNotice, UnitOptions } from '../components/ui.tsx';
import { useApp } from '../context.ts';
import { forgetPerson, loadRubric, loadUnits } from '../lib/directory.ts';
import { CATEGORY_LABELS, formatDateTime, formatPoints } from '../lib/format.ts';
import { useAction, useLoad } from '../lib/hooks.ts';
import { Link, setQuery, usePageTitle } from '../lib/router.tsx';
import { parsePoints } from '../lib/scores.ts';
import { unitTree } from '../lib/units.ts';
import { UnitStaff } from './UnitStaff.tsx';

const CATEGORIES: EmployeeCategory[] = ['cadre', 'civil_servant', 'public_employee', 'worker'];

export function AdminHome() {
  usePageTitle('Tổ chức và tiêu chí', '/quan-tri');
  return (
    <main id="main">
      <h1 tabIndex={-1}>Tổ chức và tiêu chí</h1>
      <ul class="cards">
        <li class="card">
          <h2>
            <Link href="/quan-tri/nhan-su">Hồ sơ nhân sự</Link>
          </h2>
          <p class="muted">Sửa thông tin, chuyển đơn vị, thôi công tác, ghi nhận kỷ luật.</p>
        </li>
        <li class="card">
          <h2>
            <Link href="/quan-tri/tieu-chi">Bộ tiêu chí</Link>
          </h2>
          <p class="muted">Xem bộ tiêu chí đang áp dụng; quản trị hệ thống tạo phiên bản mới.</p>
        </li>
        <li class="card">
          <h2>
            <Link href="/quan-tri/nhap-to-chuc">Nhập dữ liệu tổ chức</Link>
          </h2>
          <p class="muted">Nhập đơn vị và nhân sự từ tệp CSV.</p>
        </li>
        <li class="card">
          <h2>
            <Link href="/phe-duyet">Giao quyền cấp trưởng</Link>
          </h2>
          <p class="muted">Thủ trưởng đơn vị giao quyền phê duyệt khi vắng mặt (trang Phê duyệt).</p>
        </li>
      </ul>
    </main>
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Employees

const FLAG_LABELS: Record<keyof NonNullable<Employee['flags']>, string> = {
  disciplined: 'Bị kỷ luật từ khiển trách trở lên trong năm',
  degradation: 'Có kết luận của cấp có thẩm quyền về suy thoái tư tưởng chính trị, đạo đức, lối sống',
  unitCorruption: 'Lãnh đạo để xảy ra tham nhũng, lãng phí trong đơn vị do mình trực tiếp quản lý',
};

interface EmployeeForm {
  name: string;
  unitId: string;
  category: EmployeeCategory;
  supervisorId: string;
  isUnitHead: boolean;
  email: string;
  active: boolean;
  dutyGroup: string;
  disciplined: boolean;
  degradation: boolean;
  unitCorruption: boolean;
  /** The grounds of a change of the flags (a decision's number, a conclusion): the API requires them. */
  flagReason: string;
}

const formFrom = (e: Employee | null, unitId: string): EmployeeForm => ({
  name: e?.name ?? '',
  unitId: e?.unitId ?? unitId,
  category: e?.category ?? 'civil_servant',
  supervisorId: e?.supervisorId ?? '',
  isUnitHead: e?.isUnitHead ?? false,
  email: e?.email ?? '',
  active: e?.active ?? true,
  dutyGroup: e?.dutyGroup ?? '',
  disciplined: e?.flags?.disciplined ?? false,
  degradation: e?.flags?.degradation ?? false,
  unitCorruption: e?.flags?.unitCorruption ?? false,
  flagReason: '',
});

export function EmployeesPage({ query }: { query: URLSearchParams }) {
  const { api } = useApp();
  const id = query.get('ma') ?? '';
  const [typed, setTyped] = useState(id);
  // A record opened from the unit's list: the box shows its id.
  useEffect(() => setTyped(id), [id]);
  usePageTitle('Hồ sơ nhân sự', '/quan-tri/nhan-su');
  const units = useLoad(async () => unitTree((await loadUnits(api)) ?? []), []);
  // Addresses SES reported as bouncing or complaining (in HR's scope): marked on the employee, listed below.
  const suppressed = useLoad(
    async () => (await api.get<{ items: SuppressedAddress[] }>('/v1/mail/suppressions')).items,
    [],
  );
  const person = useLoad(async () => {
    if (!id) return undefined;
    try {
      return await api.get<Employee>(`/v1/employees/${encodeURIComponent(id)}`);
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return null;
      throw e;
    }
  }, [id]);

  return (
    <main id="main">
      <h1 tabIndex={-1}>Hồ sơ nhân sự</h1>
      <p class="lead">
        Mở hồ sơ theo mã nhân sự (một mã chưa có sẽ được tạo mới), hoặc chọn trong danh sách nhân sự của đơn
        vị bên dưới.
      </p>
      <form
        class="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          setQuery({ ma: typed.trim() });
        }}
      >
        <div class="field field-inline">
          <label for="employee-lookup">Mã nhân sự</label>
          <input
            id="employee-lookup"
            type="text"
            autoComplete="off"
            required
            value={typed}
            onInput={(e) => setTyped(e.currentTarget.value)}
          />
        </div>
        <button type="submit">Mở hồ sơ</button>
      </form>
      <ErrorNotice error={person.error ?? units.error} />
      {id && person.loading && person.data === undefined && <Loading />}
      {id && person.data !== undefined && units.data && (
        <EmployeeEditor
          key={`${id}-${person.data?.active ?? 'new'}`}
          id={id}
          existing={person.data}
          units={units.data}
          suppressed={suppressed.data?.find((s) => s.employeeId === id) ?? null}
          onSaved={(saved) => {
            person.setData(saved);
            suppressed.reload();
          }}
        />
      )}
      {units.data && <UnitStaff units={units.data} unitId={query.get('donvi') ?? ''} />}
      {suppressed.data && suppressed.data.length > 0 && (
        <Section title="Địa chỉ thư bị trả lại hoặc bị báo là thư rác" id="dia-chi-bi-chan">
          <p>
            Hệ thống ngừng gửi thư nhắc việc tới các địa chỉ này cho đến khi hồ sơ được cập nhật địa chỉ mới.
          </p>
          <ul class="notif-list">
            {suppressed.data.map((s) => (
              <li key={s.employeeId} class="notif">
                <Link href={`/quan-tri/nhan-su?ma=${encodeURIComponent(s.employeeId)}`}>
                  {s.name} ({s.employeeId}) — {s.email}
                </Link>
                <span class="notif-meta">
                  {s.reason === 'bounce' ? 'Bị trả lại' : 'Bị báo là thư rác'}, {formatDateTime(s.at)}
                </span>
              </li>
            ))}
          </ul>
        </Section>
      )}
    </main>
  );
}

function EmployeeEditor({
  id,
  existing,
  units,
  suppressed,
  onSaved,
}: {
  id: string;
  existing: Employee | null;
  units: { id: string; name: string; depth: number }[];
  suppressed: SuppressedAddress | null;
  onSaved(e: Employee): void;
}) {
  const { api } = useApp();
  const [form, setForm] = useState(() => formFrom(existing, units[0]?.id ?? ''));
  const [confirmDeactivate, setConfirmDeactivate] = useState(false);
  const action = useAction();
  const set = <K extends keyof EmployeeForm>(key: K, value: EmployeeForm[K]) =>
    setForm({ ...form, [key]: value });
  const deactivating = existing?.active === true && !form.active;
  const flagKeys = Object.keys(FLAG_LABELS) as (keyof typeof FLAG_LABELS)[];
  const flagsChanged = flagKeys.some((k) => (existing?.flags?.[k] ?? false) !== form[k]);

  const save = async () => {
    setConfirmDeactivate(false);
    const body: EmployeeInput = {
      name: form.name.trim(),
      unitId: form.unitId,
      category: form.category,
      supervisorId: form.supervisorId.trim() || null,
      isUnitHead: form.isUnitHead,
      active: form.active,
      flags: {
        disciplined: form.disciplined,
        degradation: form.degradation,
        unitCorruption: form.unitCorruption,
      },
      ...(form.email.trim() ? { email: form.email.trim() } : {}),
      ...(form.dutyGroup.trim() ? { dutyGroup: form.dutyGroup.trim() } : {}),
      ...(flagsChanged ? { flagReason: form.flagReason.trim() } : {}),
    };
    const saved = await action.run(
      () => api.put<Employee>(`/v1/employees/${encodeURIComponent(id)}`, body),
      existing ? `Đã lưu hồ sơ ${body.name}.` : `Đã tạo hồ sơ ${body.name}.`,
    );
    if (saved) {
      forgetPerson(id);
      onSaved(saved);
    }
  };

  return (
    <Section title={existing ? `${existing.name} (${id})` : `Hồ sơ mới: ${id}`} id="employee-title">
      {existing && !existing.active && <p class="notice notice-warn">Người này đã thôi công tác.</p>}
      <form
        class="grid-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (deactivating) setConfirmDeactivate(true);
          else void save();
        }}
      >
        <div class="field">
          <label for="emp-name">Họ và tên</label>
          <input
            id="emp-name"
            type="text"
            required
            value={form.name}
            onInput={(e) => set('name', e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="emp-unit">Đơn vị</label>
          <select id="emp-unit" value={form.unitId} onChange={(e) => set('unitId', e.currentTarget.value)}>
            <UnitOptions units={units} />
          </select>
        </div>
        <div class="field">
          <label for="emp-category">Đối tượng</label>
          <select
            id="emp-category"
            value={form.category}
            onChange={(e) => set('category', e.currentTarget.value as EmployeeCategory)}
          >
            {CATEGORIES.map((c) => (
              <option key={c} value={c}>
                {CATEGORY_LABELS[c]}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="emp-supervisor">Mã người quản lý trực tiếp (để trống: thủ trưởng đơn vị)</label>
          <input
            id="emp-supervisor"
            type="text"
            autoComplete="off"
            value={form.supervisorId}
            onInput={(e) => set('supervisorId', e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="emp-duty-group">
            Nhóm chức trách, nhiệm vụ tương đồng (mã, để trống nếu không dùng)
          </label>
          <input
            id="emp-duty-group"
            type="text"
            autoComplete="off"
            pattern="[A-Za-z0-9._\-]{1,64}"
            aria-describedby="emp-duty-group-hint"
            value={form.dutyGroup}
            onInput={(e) => set('dutyGroup', e.currentTarget.value)}
          />
          <p id="emp-duty-group-hint" class="muted">
            Theo Nghị định 335, số loại A được so với số loại B trong cùng đơn vị và cùng nhóm. Mã gồm chữ
            không dấu, số, dấu chấm, gạch nối, gạch dưới, ví dụ <code>chuyen-vien</code>.
          </p>
        </div>
        <div class="field">
          <label for="emp-email">Thư điện tử (nhận nhắc việc)</label>
          <input
            id="emp-email"
            type="email"
            autoComplete="off"
            value={form.email}
            aria-describedby={suppressed ? 'emp-email-suppressed' : undefined}
            onInput={(e) => set('email', e.currentTarget.value)}
          />
          {suppressed && (
            <p id="emp-email-suppressed" class="notice notice-warn">
              Thư tới địa chỉ này bị {suppressed.reason === 'bounce' ? 'trả lại' : 'báo là thư rác'} ngày{' '}
              {formatDateTime(suppressed.at)}: hệ thống không gửi thư nhắc việc tới địa chỉ này nữa. Cập nhật
              địa chỉ đúng để gửi lại.
            </p>
          )}
        </div>
        <fieldset class="checks">
          <legend>Chức trách, tình trạng</legend>
          <label>
            <input
              type="checkbox"
              checked={form.isUnitHead}
              onChange={(e) => set('isUnitHead', e.currentTarget.checked)}
            />{' '}
            Thủ trưởng đơn vị
          </label>
          <label>
            <input
              type="checkbox"
              checked={form.active}
              onChange={(e) => set('active', e.currentTarget.checked)}
            />{' '}
            Đang công tác (bỏ chọn khi thôi công tác)
          </label>
        </fieldset>
        <fieldset class="checks">
          <legend>Căn cứ xếp loại D (Nghị định 335/2025/NĐ-CP)</legend>
          {flagKeys.map((k) => {
            const note = existing?.flags?.[k] ? existing.flagNotes?.[k] : undefined;
            return (
              <div key={k}>
                <label>
                  <input
                    type="checkbox"
                    checked={form[k]}
                    onChange={(e) => set(k, e.currentTarget.checked)}
                  />{' '}
                  {FLAG_LABELS[k]}
                </label>
                {note && (
                  <p class="muted">
                    Ghi ngày {formatDateTime(note.at)} bởi {note.byName ?? note.by}: {note.reason}
                  </p>
                )}
              </div>
            );
          })}
          <p class="muted">Có một trong các căn cứ này thì kết quả tháng và năm bị xếp loại D dù điểm cao.</p>
          {flagsChanged && (
            <div class="field">
              <label for="emp-flag-reason">
                Căn cứ thay đổi (số quyết định, kết luận của cơ quan có thẩm quyền)
              </label>
              <textarea
                id="emp-flag-reason"
                required
                maxLength={2000}
                value={form.flagReason}
                onInput={(e) => set('flagReason', e.currentTarget.value)}
              />
            </div>
          )}
        </fieldset>
        <ErrorNotice error={action.error} />
        <SuccessNotice message={action.success} />
        <div class="actions">
          <button type="submit" class="primary" disabled={action.busy}>
            {existing ? 'Lưu hồ sơ' : 'Tạo hồ sơ'}
          </button>
        </div>
        {confirmDeactivate && (
          <ConfirmDialog
            title={`Cho ${form.name} thôi công tác?`}
            confirmLabel="Xác nhận thôi công tác"
            danger
            busy={action.busy}
            onConfirm={() => void save()}
            onCancel={() => setConfirmDeactivate(false)}
          >
            <p>
              Người thôi công tác không còn được tạo phiếu đánh giá ở các kỳ mở sau; các kết quả đã có vẫn
              được giữ.
            </p>
          </ConfirmDialog>
        )}
      </form>
    </Section>
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Rubrics

export function RubricsPage({ query }: { query: URLSearchParams }) {
  const { api, me } = useApp();
  const admin = me.roles.includes('admin');
  usePageTitle('Bộ tiêu chí', '/quan-tri/tieu-chi');
  const list = useLoad(async () => (await api.get<{ items: Rubric[] }>('/v1/rubrics')).items, []);
  const editing = query.get('sua');
  const viewing =
    query.get('xem') && Number(query.get('phien-ban')) > 0
      ? { id: query.get('xem') ?? '', version: Number(query.get('phien-ban')) }
      : null;
  const rubric = list.data?.find((r) => r.id === editing);
  return (
    <main id="main">
      <h1 tabIndex={-1}>Bộ tiêu chí</h1>
      <p class="lead">
        Mỗi phiếu giữ bộ tiêu chí và phiên bản được dùng khi mở kỳ; phiên bản mới áp dụng cho các kỳ mở sau
        đó.
      </p>
      <ErrorNotice error={list.error} />
      {list.loading && !list.data && <Loading />}
      {rubric && admin ? (
        <RubricEditor rubric={rubric} onDone={() => list.reload()} />
      ) : (
        list.data?.map((r) => (
          <Section key={r.id} title={`${r.name}`} id={`rubric-${r.id}`}>
            <RubricView rubric={r} />
            {r.version > 1 && (
              <OlderVersions rubric={r} shown={viewing?.id === r.id ? viewing.version : null} />
            )}
            {admin && (
              <p>
                <Link href={`/quan-tri/tieu-chi?sua=${encodeURIComponent(r.id)}`} class="button-link">
                  Tạo phiên bản {r.version + 1} từ phiên bản này…
                </Link>
              </p>
            )}
          </Section>
        ))
      )}
    </main>
  );
}

/** A rubric version: its criteria with their maxima, its grade bands and its A quota. */
function RubricView({ rubric: r }: { rubric: Rubric }) {
  return (
    <>
      <p class="muted">
        Mã <code>{r.id}</code> · phiên bản {r.version}
        {r.categories ? ` · áp dụng cho: ${r.categories.map((c) => CATEGORY_LABELS[c]).join(', ')}` : ''}
      </p>
      <table class="list stack-table">
        <caption class="sr-only">Tiêu chí của {r.name}</caption>
        <thead>
          <tr>
            <th scope="col">Tiêu chí</th>
            <th scope="col">Nhóm</th>
            <th scope="col" class="num">
              Điểm tối đa
            </th>
          </tr>
        </thead>
        <tbody>
          {r.criteria.map((c) => (
            <tr key={c.id}>
              <th scope="row">{c.label}</th>
              <td data-label="Nhóm">{c.group ?? '—'}</td>
              <td class="num" data-label="Điểm tối đa">
                {formatPoints(c.max)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        Mức xếp loại:{' '}
        {[...r.bands]
          .sort((a, b) => b.min - a.min)
          .map((b) => `${b.grade} từ ${formatPoints(b.min)} điểm`)
          .join('; ')}
        . Tỷ lệ loại A:{' '}
        {r.quota.kind === 'shareOfEvaluated'
          ? `tối đa ${r.quota.percent}% số người được đánh giá${r.quota.outstandingPercent !== undefined ? ` (${r.quota.outstandingPercent}% với đơn vị xuất sắc)` : ''}`
          : `tối đa ${r.quota.percent}% số người xếp loại B`}
        .
      </p>
    </>
  );
}

/**
 * The versions before the latest: an evaluation scored with one of them keeps its labels and maxima, so HR can read
 * what it was (`GET /v1/rubrics/{id}/versions/{n}`).
 */
function OlderVersions({ rubric, shown }: { rubric: Rubric; shown: number | null }) {
  const { api } = useApp();
  const older = Array.from({ length: rubric.version - 1 }, (_, i) => rubric.version - 1 - i);
  const version = useLoad(
    async () => (shown === null ? null : loadRubric(api, rubric.id, shown)),
    [rubric.id, shown],
  );
  return (
    <div class="older-versions">
      <form class="toolbar" onSubmit={(e) => e.preventDefault()}>
        <div class="field field-inline">
          <label for={`rubric-${rubric.id}-version`}>Xem phiên bản trước</label>
          <select
            id={`rubric-${rubric.id}-version`}
            value={shown === null ? '' : String(shown)}
            onChange={(e) =>
              setQuery({
                xem: e.currentTarget.value ? rubric.id : null,
                'phien-ban': e.currentTarget.value || null,
              })
            }
          >
            <option value="">—</option>
            {older.map((n) => (
              <option key={n} value={String(n)}>
                Phiên bản {n}
              </option>
            ))}
          </select>
        </div>
      </form>
      <ErrorNotice error={version.error} />
      {version.data && (
        <div class="card" data-testid={`rubric-${rubric.id}-old`}>
          <h3>
            {version.data.name}: phiên bản {version.data.version} (không còn dùng cho kỳ mở mới)
          </h3>
          <RubricView rubric={version.data} />
        </div>
      )}
    </div>
  );
}

interface CriterionRow {
  id: string;
  label: string;
  max: string;
  group: string;
}

function RubricEditor({ rubric, onDone }: { rubric: Rubric; onDone(): void }) {
  const { api } = useApp();
  const [name, setName] = useState(rubric.name);
  const [rows, setRows] = useState<CriterionRow[]>(() =>
    rubric.criteria.map((c) => ({
      id: c.id,
      label: c.label,
      max: String(c.max).replace('.', ','),
      group: c.group ?? '',
    })),
  );
  const [bands, setBands] = useState<Record<string, string>>(() =>
    Object.fromEntries(rubric.bands.map((b) => [b.grade, String(b.min).replace('.', ',')])),
  );
  const [quota, setQuota] = useState<QuotaRule>(rubric.quota);
  const [categories, setCategories] = useState<EmployeeCategory[]>(rubric.categories ?? CATEGORIES);
  const [confirming, setConfirming] = useState(false);
  const action = useAction();
  const total = useMemo(
    () =>
      rows.reduce((sum, r) => {
        const p = parsePoints(r.max, 100);
        return p.ok ? sum + p.hundredths : sum;
      }, 0) / 100,
    [rows],
  );
  const setRow = (i: number, patch: Partial<CriterionRow>) =>
    setRows(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));

  const body = () => {
    const criteria: Criterion[] = rows.map((r) => {
      const p = parsePoints(r.max, 100);
      return {
        id: r.id.trim(),
        label: r.label.trim(),
        max: p.ok ? p.hundredths / 100 : Number.NaN,
        ...(r.group.trim() ? { group: r.group.trim() } : {}),
      };
    });
    const bandList: Band[] = rubric.bands.map((b) => {
      const p = parsePoints(bands[b.grade] ?? '', 100);
      return { grade: b.grade, min: p.ok ? p.hundredths / 100 : Number.NaN, label: b.label };
    });
    return {
      name: name.trim(),
      categories,
      criteria,
      bands: bandList,
      quota,
      ...(rubric.leaderTaskCriterion && criteria.some((c) => c.id === rubric.leaderTaskCriterion)
        ? { leaderTaskCriterion: rubric.leaderTaskCriterion }
        : {}),
    };
  };

  const save = async () => {
    setConfirming(false);
    const b = body();
    if (b.criteria.some((c) => Number.isNaN(c.max)) || b.bands.some((x) => Number.isNaN(x.min))) {
      action.setError(new Error('Điểm phải là số không âm, tối đa hai chữ số thập phân (ví dụ 2,5).'));
      return;
    }
    const saved = await action.run(() => api.put<Rubric>(`/v1/rubrics/${encodeURIComponent(rubric.id)}`, b));
    if (saved) {
      onDone();
      setQuery({ sua: null });
    }
  };

  return (
    <Section title={`Phiên bản mới của ${rubric.name}`} id="rubric-editor-title">
      <p class="muted">
        Đang sửa từ phiên bản {rubric.version}. Tổng điểm tối đa các tiêu chí phải bằng 100.{' '}
        <Link href="/quan-tri/tieu-chi">Huỷ, quay lại danh sách</Link>
      </p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setConfirming(true);
        }}
      >
        <div class="field">
          <label for="rubric-name">Tên bộ tiêu chí</label>
          <input id="rubric-name" type="text" value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </div>
        {rows.map((r, i) => (
          <fieldset key={`${i}-${rubric.id}`} class="criterion-edit">
            <legend>Tiêu chí {i + 1}</legend>
            <div class="grid-form">
              <div class="field">
                <label for={`crit-${i}-label`}>Tên tiêu chí</label>
                <input
                  id={`crit-${i}-label`}
                  type="text"
                  value={r.label}
                  onInput={(e) => setRow(i, { label: e.currentTarget.value })}
                />
              </div>
              <div class="field">
                <label for={`crit-${i}-id`}>Mã</label>
                <input
                  id={`crit-${i}-id`}
                  type="text"
                  value={r.id}
                  onInput={(e) => setRow(i, { id: e.currentTarget.value })}
                />
              </div>
              <div class="field">
                <label for={`crit-${i}-max`}>Điểm tối đa</label>
                <input
                  id={`crit-${i}-max`}
                  type="text"
                  inputMode="decimal"
                  value={r.max}
                  onInput={(e) => setRow(i, { max: e.currentTarget.value })}
                />
              </div>
              <div class="field">
                <label for={`crit-${i}-group`}>Nhóm (không bắt buộc)</label>
                <input
                  id={`crit-${i}-group`}
                  type="text"
                  value={r.group}
                  onInput={(e) => setRow(i, { group: e.currentTarget.value })}
                />
              </div>
            </div>
            <button type="button" class="danger" onClick={() => setRows(rows.filter((_, j) => j !== i))}>
              Bỏ tiêu chí này
            </button>
          </fieldset>
        ))}
        <div class="actions">
          <button type="button" onClick={() => setRows([...rows, { id: '', label: '', max: '', group: '' }])}>
            Thêm tiêu chí
          </button>
          <span class={total === 100 ? '' : 'urgent'} data-testid="rubric-total">
            Tổng điểm tối đa: {formatPoints(total)}/100
          </span>
        </div>
        <fieldset class="grid-form">
          <legend>Điểm tối thiểu của từng mức</legend>
          {rubric.bands.map((b) => (
            <div class="field" key={b.grade}>
              <label for={`band-${b.grade}`}>
                Loại {b.grade} — {b.label}
              </label>
              <input
                id={`band-${b.grade}`}
                type="text"
                inputMode="decimal"
                value={bands[b.grade] ?? ''}
                onInput={(e) => setBands({ ...bands, [b.grade]: e.currentTarget.value })}
              />
            </div>
          ))}
        </fieldset>
        <fieldset class="grid-form">
          <legend>Tỷ lệ loại A tối đa</legend>
          <div class="field">
            <label for="quota-percent">
              {quota.kind === 'shareOfEvaluated' ? '% số người được đánh giá' : '% số người xếp loại B'}
            </label>
            <input
              id="quota-percent"
              type="text"
              inputMode="numeric"
              value={String(quota.percent)}
              onInput={(e) => setQuota({ ...quota, percent: Number(e.currentTarget.value) })}
            />
          </div>
          {quota.kind === 'shareOfEvaluated' && (
            <div class="field">
              <label for="quota-outstanding">% với đơn vị được công nhận xuất sắc</label>
              <input
                id="quota-outstanding"
                type="text"
                inputMode="numeric"
                value={String(quota.outstandingPercent ?? quota.percent)}
                onInput={(e) => setQuota({ ...quota, outstandingPercent: Number(e.currentTarget.value) })}
              />
            </div>
          )}
        </fieldset>
        <fieldset class="checks">
          <legend>Áp dụng cho</legend>
          {CATEGORIES.map((c) => (
            <label key={c}>
              <input
                type="checkbox"
                checked={categories.includes(c)}
                onChange={(e) =>
                  setCategories(
                    e.currentTarget.checked ? [...categories, c] : categories.filter((x) => x !== c),
                  )
                }
              />{' '}
              {CATEGORY_LABELS[c]}
            </label>
          ))}
        </fieldset>
        <ErrorNotice error={action.error} />
        <div class="actions">
          <button type="submit" class="primary" disabled={action.busy}>
            Tạo phiên bản {rubric.version + 1}
          </button>
        </div>
        {confirming && (
          <ConfirmDialog
            title={`Tạo phiên bản ${rubric.version + 1}?`}
            confirmLabel="Tạo phiên bản mới"
            busy={action.busy}
            onConfirm={() => void save()}
            onCancel={() => setConfirming(false)}
          >
            <p>
              Các phiếu đã mở giữ phiên bản {rubric.version}; phiên bản mới áp dụng cho các kỳ mở sau. Không
              sửa lại được phiên bản đã tạo (chỉ tạo thêm phiên bản khác).
            </p>
          </ConfirmDialog>
        )}
      </form>
    </Section>
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Org import

const CSV_HEADER = 'kind,id,name,parentId,unitId,category,supervisorId,isUnitHead,email,dutyGroup';

/** Row problems as the API gives them: details with `path: "row N"`. */
export function rowErrors(error: Error | null): { row: string; message: string }[] {
  if (!(error instanceof ApiError) || error.code !== 'VALIDATION_FAILED') return [];
  return error.details
    .filter((d) => d.path?.startsWith('row '))
    .map((d) => ({ row: d.path?.slice(4) ?? '', message: d.message }));
}

export function OrgImportPage() {
  const { api } = useApp();
  usePageTitle('Nhập dữ liệu tổ chức', '/quan-tri/nhap-to-chuc');
  const [text, setText] = useState('');
  const [fileName, setFileName] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [result, setResult] = useState<ImportResult | null>(null);
  const action = useAction();
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const previewing = useAction();
  const rows = text.trim() === '' ? 0 : text.trim().split(/\r?\n/).length - 1;
  const problems = rowErrors(action.error);
  const previewProblems = rowErrors(previewing.error);

  const post = <T,>(path: string) =>
    text.trimStart().startsWith('{')
      ? api.postText<T>(path, text, 'application/json')
      : api.postText<T>(path, text, 'text/csv; charset=utf-8');

  const send = async () => {
    setConfirming(false);
    setResult(null);
    const done = await action.run(() => post<ImportResult>('/v1/org/import'));
    if (done) setResult(done);
  };

  // The same checks as the import, nothing written: what would change, and the rows in error, before writing.
  const dryRun = async () => {
    setPreview(null);
    const done = await previewing.run(() => post<ImportPreview>('/v1/org/import?dryRun=true'));
    if (done) setPreview(done);
  };
  const edited = () => {
    setResult(null);
    setPreview(null);
    action.clear();
    previewing.clear();
  };

  return (
    <main id="main">
      <h1 tabIndex={-1}>Nhập dữ liệu tổ chức</h1>
      <p class="lead">
        Đơn vị và nhân sự từ một tệp CSV (UTF-8). Dòng đầu là tiêu đề <code>{CSV_HEADER}</code>; mỗi dòng sau
        là một đơn vị (<code>kind</code> = <code>unit</code>) hoặc một nhân sự (<code>employee</code>). Hồ sơ
        cùng mã được thay bằng dữ liệu trong tệp. Tệp có dòng sai thì không dữ liệu nào được ghi. Cột{' '}
        <code>dutyGroup</code> (nhóm chức trách, nhiệm vụ) có thể bỏ: tệp theo tiêu đề cũ vẫn được nhận, và
        giữ nguyên nhóm của từng người.
      </p>
      <Section title="Tệp dữ liệu" id="import-file-title">
        <div class="field">
          <label for="import-file">Chọn tệp CSV</label>
          <input
            id="import-file"
            type="file"
            accept=".csv,text/csv,.json,application/json"
            onChange={async (e) => {
              const file = e.currentTarget.files?.[0];
              if (!file) return;
              setFileName(file.name);
              setText(await file.text());
              edited();
            }}
          />
        </div>
        <div class="field">
          <label for="import-text">Hoặc dán nội dung tệp</label>
          <textarea
            id="import-text"
            rows={8}
            spellcheck={false}
            value={text}
            onInput={(e) => {
              setText(e.currentTarget.value);
              setFileName(null);
              edited();
            }}
          />
          <span class="muted">
            {fileName ? `${fileName}: ` : ''}
            {rows} dòng dữ liệu
          </span>
        </div>
      </Section>
      <Section title="Xem trước" id="import-preview-title">
        <p class="muted" data-testid="import-preview">
          Chạy thử: máy chủ kiểm tra mọi dòng như khi nhập thật (kể cả phạm vi quản lý của bạn) và cho biết
          đơn vị, nhân sự nào sẽ được thêm, thay đổi những gì, mà chưa ghi gì.
        </p>
        <div class="actions">
          <button type="button" disabled={previewing.busy || rows <= 0} onClick={() => void dryRun()}>
            Xem trước (chạy thử)
          </button>
        </div>
        <ErrorNotice error={previewProblems.length > 0 ? null : previewing.error} />
        {previewProblems.length > 0 && (
          <RowErrors
            message={previewing.error?.message ?? ''}
            rows={previewProblems}
            testId="import-dry-run-errors"
          />
        )}
        {preview && <ImportPreviewView preview={preview} />}
      </Section>
      <Section title="Nhập" id="import-run-title">
        <ErrorNotice error={problems.length > 0 ? null : action.error} />
        {problems.length > 0 && (
          <RowErrors message={action.error?.message ?? ''} rows={problems} testId="import-errors" />
        )}
        {result && (
          <p class="notice notice-success" role="status" data-testid="import-result">
            Đã nhập {result.units} đơn vị và {result.employees} nhân sự.
          </p>
        )}
        <div class="actions">
          <button
            type="button"
            class="primary"
            disabled={action.busy || rows <= 0}
            onClick={() => setConfirming(true)}
          >
            Nhập dữ liệu
          </button>
        </div>
        {confirming && (
          <ConfirmDialog
            title="Nhập dữ liệu tổ chức?"
            confirmLabel="Nhập"
            busy={action.busy}
            onConfirm={() => void send()}
            onCancel={() => setConfirming(false)}
          >
            <p>
              {rows} dòng dữ liệu sẽ được ghi; đơn vị và nhân sự cùng mã được thay bằng dữ liệu trong tệp.
              Người chuyển đơn vị có lãnh đạo trực tiếp, thủ trưởng đơn vị mới từ kỳ mở sau.
            </p>
          </ConfirmDialog>
        )}
      </Section>
    </main>
  );
}

function RowErrors(props: { message: string; rows: { row: string; message: string }[]; testId: string }) {
  return (
    <div class="notice notice-error" role="alert" data-testid={props.testId}>
      <p>{props.message}</p>
      <table class="list stack-table">
        <caption class="sr-only">Các dòng có lỗi</caption>
        <thead>
          <tr>
            <th scope="col" class="num">
              Dòng
            </th>
            <th scope="col">Lỗi</th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((p) => (
            <tr key={`${p.row}-${p.message}`}>
              <th scope="row" class="num">
                {p.row}
              </th>
              <td data-label="Lỗi">{p.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The record fields an import may change, as HR calls them. */
const IMPORT_FIELDS: Record<string, string> = {
  name: 'tên',
  parentId: 'đơn vị cấp trên',
  outstanding: 'đơn vị xuất sắc',
  unitId: 'đơn vị',
  category: 'đối tượng',
  supervisorId: 'lãnh đạo trực tiếp',
  isUnitHead: 'thủ trưởng đơn vị',
  email: 'thư điện tử',
  active: 'đang công tác',
  dutyGroup: 'nhóm nhiệm vụ',
  flags: 'kỷ luật, vi phạm',
};

const countsText = (c: { create: number; update: number; unchanged: number }) =>
  `thêm mới ${c.create}, thay đổi ${c.update}, giữ nguyên ${c.unchanged}`;

/** The dry run's answer: the counts, the rows in error (nothing can be imported then), and each change. */
function ImportPreviewView({ preview }: { preview: ImportPreview }) {
  const changes = preview.changes.filter((c) => c.action !== 'unchanged');
  return (
    <div data-testid="import-dry-run">
      <p class={preview.errors.length > 0 ? 'notice notice-warn' : 'notice notice-info'} role="status">
        Chạy thử, chưa ghi gì. Đơn vị: {countsText(preview.summary.units)}. Nhân sự:{' '}
        {countsText(preview.summary.employees)}.
        {preview.errors.length > 0
          ? ` ${preview.errors.length} dòng có lỗi: sửa tệp rồi chạy thử lại; tệp có dòng lỗi sẽ không được nhập.`
          : ' Không có dòng lỗi.'}
      </p>
      {preview.errors.length > 0 && (
        <RowErrors
          message="Các dòng có lỗi"
          rows={preview.errors.map((e) => ({ row: String(e.row), message: e.message }))}
          testId="import-dry-run-errors"
        />
      )}
      {changes.length > 0 && (
        <div>
          <table class="list stack-table" data-testid="import-changes">
            <caption>Những gì sẽ thay đổi</caption>
            <thead>
              <tr>
                <th scope="col" class="num">
                  Dòng
                </th>
                <th scope="col">Hồ sơ</th>
                <th scope="col">Thay đổi</th>
              </tr>
            </thead>
            <tbody>
              {changes.map((c) => (
                <tr key={`${c.kind}-${c.id}`}>
                  <td class="num" data-label="Dòng">
                    {c.row}
                  </td>
                  <th scope="row">
                    {c.kind === 'unit' ? 'Đơn vị' : 'Nhân sự'} <code>{c.id}</code>
                  </th>
                  <td data-label="Thay đổi">
                    {c.action === 'create'
                      ? 'Thêm mới'
                      : `Thay đổi: ${c.fields.map((f) => IMPORT_FIELDS[f] ?? f).join(', ')}`}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
