/**
 * The shell: sign-in (the PKCE flow, locally against `npm start`'s OpenID provider), then `/v1/me` decides which
 * pages the user has; a header with the navigation for their roles and the pages by path. `/v1/me` is kept for the
 * tab's session, so a reload renders the page at once and its requests go out together while `/v1/me` is read again;
 * on the employee page `/v1/me` brings the month along (lib/current.ts).
 */
import type { JSX } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { Api } from './api/client.ts';
import type { Me } from './api/types.ts';
import {
  CALLBACK_PATH,
  clearSession,
  currentToken,
  finishSignIn,
  loadSession,
  type Session,
  signOut,
} from './auth/session.ts';
import { ErrorNotice, Loading } from './components/ui.tsx';
import { type RuntimeConfig, runsLocally } from './config.ts';
import { AppContext, type AppContextValue, isHr } from './context.ts';
import { loadMe } from './lib/current.ts';
import { clearDirectory } from './lib/directory.ts';
import { clearDraftsOf, hasUnsaved } from './lib/drafts.ts';
import { CATEGORY_LABELS, ROLE_LABELS } from './lib/format.ts';
import { useLoad } from './lib/hooks.ts';
import { Link, navigate, useLocation, usePageTitle } from './lib/router.tsx';
import { AdminHome, EmployeesPage, OrgImportPage, RubricsPage } from './pages/Admin.tsx';
import { AnnualPage, AnnualPrintPage } from './pages/Annual.tsx';
import { AppealDecisionPage } from './pages/Appeal.tsx';
import { APPEALS_PATH, PendingAppealsPage } from './pages/Appeals.tsx';
import { ApprovalsPage } from './pages/Approvals.tsx';
import { EmployeePage } from './pages/Employee.tsx';
import { EvaluationPrintPage } from './pages/EvaluationPrint.tsx';
import { IncomePage } from './pages/Income.tsx';
import { Bell, NotificationsPage, ProfilePage } from './pages/Notifications.tsx';
import { PeriodsPage } from './pages/Periods.tsx';
import { RankingPrintPage, RankingsPage } from './pages/Rankings.tsx';
import { ReviewsPage } from './pages/Reviews.tsx';
import { SignIn } from './pages/SignIn.tsx';

const EXPIRED = 'Phiên đăng nhập đã hết hạn; vui lòng đăng nhập lại.';

export function App({ config }: { config: RuntimeConfig }) {
  const [session, setSession] = useState<Session | null>(loadSession);
  const [reason, setReason] = useState<string | null>(null);
  const loc = useLocation();
  const api = useMemo(
    () =>
      new Api({
        baseUrl: config.apiUrl,
        token: () => currentToken(config),
        onUnauthenticated: () => {
          clearSession();
          setSession(null);
          setReason(EXPIRED);
        },
      }),
    [config],
  );

  if (loc.path === CALLBACK_PATH) {
    return (
      <Callback
        config={config}
        onDone={(returnTo) => {
          setSession(loadSession());
          navigate(returnTo, { replace: true });
        }}
      />
    );
  }
  if (!session) {
    return (
      <SignIn
        config={config}
        reason={reason}
        returnTo={loc.path === '/dang-nhap' ? '/' : `${loc.path}${location.search}`}
      />
    );
  }
  return (
    <SignedIn
      key={session.bearer}
      config={config}
      api={api}
      onSignOut={async (employeeId) => {
        if (
          hasUnsaved() &&
          !confirm('Bạn còn phần đã nhập mà chưa lưu. Đăng xuất sẽ xoá phần đó khỏi máy này. Vẫn đăng xuất?')
        ) {
          return;
        }
        // A shared office PC: nothing typed or read stays behind for the next person.
        clearDraftsOf(employeeId);
        clearMeCache();
        clearDirectory();
        const leaving = await signOut(config);
        if (!leaving) {
          setSession(null);
          navigate('/', { replace: true });
        }
      }}
    />
  );
}

const ME_CACHE = 'danh-gia.me';

/** The token the cached `/v1/me` belongs to: its last characters (the signature) tell tokens apart. */
const tokenTag = () => loadSession()?.bearer.slice(-24) ?? '';

function readMeCache(): Me | null {
  try {
    const raw = sessionStorage.getItem(ME_CACHE);
    if (!raw) return null;
    const cached = JSON.parse(raw) as { tag: string; me: Me };
    return cached.tag === tokenTag() ? cached.me : null;
  } catch {
    return null;
  }
}

function writeMeCache(me: Me) {
  try {
    sessionStorage.setItem(ME_CACHE, JSON.stringify({ tag: tokenTag(), me }));
  } catch {
    // no storage: /v1/me is read before each first render
  }
}

const clearMeCache = () => sessionStorage.removeItem(ME_CACHE);

function Callback({ config, onDone }: { config: RuntimeConfig; onDone: (returnTo: string) => void }) {
  const [error, setError] = useState<Error | null>(null);
  useEffect(() => {
    finishSignIn(config).then(onDone, (e: unknown) =>
      setError(e instanceof Error ? e : new Error(String(e))),
    );
    // Once, on arrival at the callback.
  }, []);
  return (
    <main id="main">
      <h1 tabIndex={-1}>Đang đăng nhập…</h1>
      {error ? (
        <>
          <ErrorNotice error={error} />
          <p>
            <a href="/">Đăng nhập lại</a>
          </p>
        </>
      ) : (
        <Loading label="Đang hoàn tất đăng nhập…" />
      )}
    </main>
  );
}

function SignedIn({
  config,
  api,
  onSignOut,
}: {
  config: RuntimeConfig;
  api: Api;
  onSignOut: (employeeId: string) => void;
}) {
  const cached = useMemo(readMeCache, []);
  const loc = useLocation();
  // Started while rendering, before any page's effects run: on the employee page it brings the month along, and
  // the page waits for that answer instead of asking again (lib/current.ts).
  const first = useRef<Promise<Me> | null | undefined>(undefined);
  if (first.current === undefined) first.current = loadMe(api, loc.path, cached);
  const me = useLoad(async () => {
    // The first load is the request started above; a reload (after an action) asks for /v1/me alone.
    const waiting = first.current;
    first.current = null;
    const fresh = await (waiting ?? api.get<Me>('/v1/me'));
    writeMeCache(fresh);
    return fresh;
  }, []);
  const current = me.data ?? cached;
  const context = useMemo<AppContextValue | null>(
    () => (current ? { config, api, me: current, reloadMe: me.reload } : null),
    [config, api, current, me.reload],
  );
  if (!context) {
    return (
      <main id="main">
        <h1 tabIndex={-1}>Đánh giá, xếp loại hằng tháng</h1>
        {me.error ? <ErrorNotice error={me.error} /> : <Loading />}
        {me.error && (
          <button type="button" onClick={() => onSignOut('')}>
            Đăng xuất
          </button>
        )}
      </main>
    );
  }
  return (
    <AppContext.Provider value={context}>
      <Header me={context.me} path={loc.path} onSignOut={() => onSignOut(context.me.employeeId)} />
      <Page path={loc.path} query={loc.query} me={context.me} />
      <footer class="footer">
        <p>
          Đánh giá, xếp loại chất lượng hằng tháng theo Quy định 3814-QĐ/TU và Nghị định 335/2025/NĐ-CP.
          {runsLocally(config) ? ' Đang chạy trên máy (dữ liệu mẫu).' : ''}
        </p>
      </footer>
    </AppContext.Provider>
  );
}

interface NavItem {
  href: string;
  label: string;
  count?: number;
  /** The first path segment the item stands for, when its link goes deeper (`/khieu-nai/cho-giai-quyet`). */
  section?: string;
}

function navFor(me: Me): NavItem[] {
  const roles = me.roles;
  const hr = isHr(roles);
  const items: NavItem[] = [{ href: '/', label: 'Việc cần làm' }];
  if (me.employee) items.push({ href: '/danh-gia', label: 'Tự đánh giá', count: me.pending.selfAssessment });
  if (roles.includes('reviewer'))
    items.push({ href: '/nhan-xet', label: 'Nhận xét', count: me.pending.reviews });
  if (roles.includes('approver'))
    items.push({ href: '/phe-duyet', label: 'Phê duyệt', count: me.pending.approvals });
  if (hr) items.push({ href: '/ky-danh-gia', label: 'Kỳ đánh giá' });
  if (hr || roles.includes('approver')) {
    items.push({ href: '/xep-hang', label: 'Xếp hạng' }, { href: '/bao-cao-nam', label: 'Báo cáo năm' });
    items.push({ href: APPEALS_PATH, label: 'Khiếu nại', section: '/khieu-nai' });
  } else if (me.employee) {
    items.push({ href: '/xep-hang', label: 'Kết quả đơn vị' });
  }
  if (hr) items.push({ href: '/thu-nhap', label: 'Thu nhập, thưởng' });
  if (hr) items.push({ href: '/quan-tri', label: 'Tổ chức, tiêu chí' });
  return items;
}

/** What the header says the person is: their category (công chức, viên chức…), then their other roles. */
export function roleLine(me: Me): string {
  const parts = me.roles.map((r) =>
    r === 'employee' && me.employee
      ? (CATEGORY_LABELS[me.employee.category] ?? ROLE_LABELS[r])
      : (ROLE_LABELS[r] ?? r),
  );
  return [...new Set(parts)].join(' · ');
}

function Header({ me, path, onSignOut }: { me: Me; path: string; onSignOut: () => void }) {
  const section = `/${path.split('/')[1] ?? ''}`;
  return (
    <header class="header">
      <a class="skip" href="#main">
        Bỏ qua, đến nội dung chính
      </a>
      <div class="header-top">
        <Link href="/" class="brand">
          Đánh giá hằng tháng
        </Link>
        <div class="who">
          <Bell unread={me.notifications?.unread ?? 0} current={section === '/thong-bao'} />
          <Link href="/ca-nhan" class="who-name" aria-current={section === '/ca-nhan' ? 'page' : undefined}>
            {me.employee?.name ?? me.employeeId}
          </Link>
          <span class="who-roles">{roleLine(me)}</span>
          <button type="button" class="link-button" onClick={onSignOut}>
            Đăng xuất
          </button>
        </div>
      </div>
      <nav aria-label="Chức năng">
        <ul>
          {navFor(me).map((item) => (
            <li key={item.href}>
              <Link
                href={item.href}
                aria-current={section === (item.section ?? item.href) ? 'page' : undefined}
              >
                {item.label}
                {item.count ? (
                  <span class="count" title={`${item.count} việc đang chờ`}>
                    {item.count}
                    <span class="sr-only"> việc đang chờ</span>
                  </span>
                ) : null}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
    </header>
  );
}

function Forbidden() {
  usePageTitle('Không có quyền', 'forbidden');
  return (
    <main id="main">
      <h1 tabIndex={-1}>Không có quyền</h1>
      <p>Tài khoản của bạn không có chức năng này.</p>
    </main>
  );
}

const guard = (allowed: boolean, page: JSX.Element) => (allowed ? page : <Forbidden />);

function Page({ path, query, me }: { path: string; query: URLSearchParams; me: Me }) {
  const roles = me.roles;
  const hr = isHr(roles);
  const leads = hr || roles.includes('approver');
  // A period is a month (2026-11) or a quarter (2026-Q1).
  const month = /^\/danh-gia\/(\d{4}-(?:\d{2}|Q[1-4]))$/.exec(path);
  const ownForm = /^\/danh-gia\/(\d{4}-(?:\d{2}|Q[1-4]))\/phieu$/.exec(path);
  const form = /^\/phieu\/([A-Za-z0-9._-]{1,64})\/(\d{4}-(?:\d{2}|Q[1-4]))$/.exec(path);
  if (path === '/' || path === '/dang-nhap') return <Home me={me} />;
  if (path === '/thong-bao') return <NotificationsPage />;
  if (path === '/ca-nhan') return <ProfilePage />;
  if (path === '/danh-gia' || month) return <EmployeePage period={month?.[1] ?? null} />;
  if (ownForm?.[1] && me.employee)
    return <EvaluationPrintPage employeeId={me.employee.id} period={ownForm[1]} />;
  if (form?.[1] && form[2]) return <EvaluationPrintPage employeeId={form[1]} period={form[2]} />;
  if (path === '/nhan-xet') {
    return guard(roles.includes('reviewer'), <ReviewsPage query={query} />);
  }
  if (path === '/phe-duyet') {
    return guard(roles.includes('approver'), <ApprovalsPage query={query} />);
  }
  if (path === '/khieu-nai') return guard(leads, <AppealDecisionPage query={query} />);
  if (path === APPEALS_PATH) return guard(leads, <PendingAppealsPage query={query} />);
  if (path === '/ky-danh-gia') return guard(hr, <PeriodsPage query={query} />);
  // Staff see their own unit's ranking once the period is closed (published); the page asks the API.
  if (path === '/xep-hang') return guard(leads || me.employee !== null, <RankingsPage query={query} />);
  if (path === '/xep-hang/ban-in') {
    return guard(leads || me.employee !== null, <RankingPrintPage query={query} />);
  }
  if (path === '/bao-cao-nam') return guard(leads, <AnnualPage query={query} />);
  if (path === '/bao-cao-nam/ban-in') return guard(leads, <AnnualPrintPage query={query} />);
  if (path === '/thu-nhap') return guard(hr, <IncomePage query={query} />);
  if (path === '/quan-tri') return guard(hr, <AdminHome />);
  if (path === '/quan-tri/nhan-su') return guard(hr, <EmployeesPage query={query} />);
  if (path === '/quan-tri/tieu-chi') return guard(hr, <RubricsPage query={query} />);
  if (path === '/quan-tri/nhap-to-chuc') return guard(hr, <OrgImportPage />);
  return <NotFound />;
}

function NotFound() {
  usePageTitle('Không tìm thấy trang', 'not-found');
  return (
    <main id="main">
      <h1 tabIndex={-1}>Không tìm thấy trang</h1>
      <p>
        <Link href="/">Về trang Việc cần làm</Link>
      </p>
    </main>
  );
}

function Home({ me }: { me: Me }) {
  usePageTitle('Việc cần làm', '/');
  const cards = navFor(me).filter((n) => n.href !== '/');
  const hello = me.employee ? `Xin chào, ${me.employee.name}` : `Xin chào (${me.employeeId})`;
  return (
    <main id="main">
      <h1 tabIndex={-1}>{hello}</h1>
      <p class="lead">Việc đang chờ bạn trong các kỳ đang mở.</p>
      <ul class="cards">
        {cards.map((c) => (
          <li key={c.href} class="card">
            <h2>
              <Link href={c.href}>{c.label}</Link>
            </h2>
            {c.count !== undefined && (
              <p class={c.count > 0 ? 'due' : 'muted'}>
                {c.count > 0 ? `${c.count} việc đang chờ bạn` : 'Không có việc chờ'}
              </p>
            )}
          </li>
        ))}
      </ul>
    </main>
  );
}
