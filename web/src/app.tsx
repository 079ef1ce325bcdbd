/**
 * The shell: sign-in (the PKCE flow, locally against `npm start`'s OpenID provider), then `/v1/me` decides which
 * pages the user has; a header with the navigation for their roles and the pages by path.
 */
import type { JSX } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
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
import { AppContext, type AppContextValue } from './context.ts';
import { ROLE_LABELS } from './lib/format.ts';
import { useLoad } from './lib/hooks.ts';
import { Link, navigate, useLocation, usePageTitle } from './lib/router.tsx';
import { AnnualPage } from './pages/Annual.tsx';
import { ApprovalsPage } from './pages/Approvals.tsx';
import { EmployeePage } from './pages/Employee.tsx';
import { PeriodsPage } from './pages/Periods.tsx';
import { isHr, RankingsPage } from './pages/Rankings.tsx';
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
      onSignOut={async () => {
        const leaving = await signOut(config);
        if (!leaving) {
          setSession(null);
          navigate('/', { replace: true });
        }
      }}
    />
  );
}

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

function SignedIn({ config, api, onSignOut }: { config: RuntimeConfig; api: Api; onSignOut: () => void }) {
  const me = useLoad(() => api.get<Me>('/v1/me'), []);
  const loc = useLocation();
  const context = useMemo<AppContextValue | null>(
    () => (me.data ? { config, api, me: me.data, reloadMe: me.reload } : null),
    [config, api, me.data, me.reload],
  );
  if (!context) {
    return (
      <main id="main">
        <h1 tabIndex={-1}>Đánh giá, xếp loại hằng tháng</h1>
        {me.error ? <ErrorNotice error={me.error} /> : <Loading />}
        {me.error && (
          <button type="button" onClick={onSignOut}>
            Đăng xuất
          </button>
        )}
      </main>
    );
  }
  return (
    <AppContext.Provider value={context}>
      <Header me={context.me} path={loc.path} onSignOut={onSignOut} />
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
}

function navFor(me: Me): NavItem[] {
  const roles = me.roles;
  const items: NavItem[] = [{ href: '/', label: 'Việc cần làm' }];
  if (me.employee) items.push({ href: '/danh-gia', label: 'Tự đánh giá', count: me.pending.selfAssessment });
  if (roles.includes('reviewer'))
    items.push({ href: '/nhan-xet', label: 'Nhận xét', count: me.pending.reviews });
  if (roles.includes('approver'))
    items.push({ href: '/phe-duyet', label: 'Phê duyệt', count: me.pending.approvals });
  if (isHr(roles)) items.push({ href: '/ky-danh-gia', label: 'Kỳ đánh giá' });
  if (isHr(roles) || roles.includes('approver')) {
    items.push({ href: '/xep-hang', label: 'Xếp hạng' }, { href: '/bao-cao-nam', label: 'Báo cáo năm' });
  }
  return items;
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
          <span class="who-name">{me.employee?.name ?? me.employeeId}</span>
          <span class="who-roles">{me.roles.map((r) => ROLE_LABELS[r] ?? r).join(' · ')}</span>
          <button type="button" class="link-button" onClick={onSignOut}>
            Đăng xuất
          </button>
        </div>
      </div>
      <nav aria-label="Chức năng">
        <ul>
          {navFor(me).map((item) => (
            <li key={item.href}>
              <Link href={item.href} aria-current={section === item.href ? 'page' : undefined}>
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
  const month = /^\/danh-gia\/(\d{4}-\d{2})$/.exec(path);
  if (path === '/' || path === '/dang-nhap') return <Home me={me} />;
  if (path === '/danh-gia' || month) return <EmployeePage period={month?.[1] ?? null} />;
  if (path === '/nhan-xet') {
    return guard(roles.includes('reviewer'), <ReviewsPage query={query} />);
  }
  if (path === '/phe-duyet') {
    return guard(roles.includes('approver'), <ApprovalsPage query={query} />);
  }
  if (path === '/ky-danh-gia') {
    return guard(isHr(roles), <PeriodsPage query={query} />);
  }
  if (path === '/xep-hang') {
    return guard(isHr(roles) || roles.includes('approver'), <RankingsPage query={query} />);
  }
  if (path === '/bao-cao-nam') {
    return guard(isHr(roles) || roles.includes('approver'), <AnnualPage query={query} />);
  }
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
