/**
 * Sign-in. Locally: choose a demo account (or type any employee id), which asks the local server for a token
 * (`POST /local/token`). In AWS: one button to the Cognito managed login or the organisation's OIDC provider.
 */
import { useState } from 'preact/hooks';
import { type Session, signInLocal, startSignIn } from '../auth/session.ts';
import { ErrorNotice } from '../components/ui.tsx';
import type { RuntimeConfig } from '../config.ts';
import { useAction } from '../lib/hooks.ts';
import { usePageTitle } from '../lib/router.tsx';

export function SignIn({
  config,
  onSignedIn,
  returnTo,
  reason,
}: {
  config: RuntimeConfig;
  onSignedIn: (session: Session) => void;
  returnTo: string;
  reason: string | null;
}) {
  usePageTitle('Đăng nhập', '/dang-nhap');
  const action = useAction();
  const [employeeId, setEmployeeId] = useState('');
  const [hr, setHr] = useState(false);
  const [admin, setAdmin] = useState(false);

  const local = async (id: string, groups: string[]) => {
    const session = await action.run(() => signInLocal(config, id, groups));
    if (session) onSignedIn(session);
  };

  return (
    <main id="main" class="sign-in">
      <h1 tabIndex={-1}>Đăng nhập</h1>
      <p class="lead">
        Hệ thống đánh giá, xếp loại chất lượng cán bộ, công chức, viên chức và người lao động hằng tháng.
      </p>
      {reason && <p class="notice notice-warn">{reason}</p>}
      <ErrorNotice error={action.error} />
      {config.auth.mode === 'local' ? (
        <>
          <section class="card" aria-labelledby="demo-title">
            <h2 id="demo-title">Tài khoản mẫu (chạy trên máy)</h2>
            <p class="muted">
              Máy chủ cục bộ cấp token cho tài khoản được chọn. Chỉ có khi chạy <code>npm start</code>, không
              có trên AWS.
            </p>
            <ul class="account-list">
              {config.auth.demoAccounts.map((a) => (
                <li key={`${a.employeeId}-${a.groups.join()}`}>
                  <button
                    type="button"
                    class="account"
                    disabled={action.busy}
                    data-employee-id={a.employeeId}
                    onClick={() => void local(a.employeeId, a.groups)}
                  >
                    <span class="account-role">{a.role}</span>
                    <span class="account-id">
                      {a.employeeId}
                      {a.groups.length > 0 ? ` · nhóm ${a.groups.join(', ')}` : ''}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          </section>
          <section class="card" aria-labelledby="other-title">
            <h2 id="other-title">Tài khoản khác</h2>
            <form
              onSubmit={(e) => {
                e.preventDefault();
                void local(employeeId.trim(), [...(hr ? ['hr'] : []), ...(admin ? ['admin'] : [])]);
              }}
            >
              <div class="field">
                <label for="employee-id">Mã nhân sự</label>
                <input
                  id="employee-id"
                  value={employeeId}
                  required
                  pattern="[A-Za-z0-9._\-]{1,64}"
                  autoComplete="username"
                  onInput={(e) => setEmployeeId(e.currentTarget.value)}
                />
              </div>
              <fieldset class="checks">
                <legend>Nhóm quyền</legend>
                <label>
                  <input type="checkbox" checked={hr} onChange={(e) => setHr(e.currentTarget.checked)} /> Tổ
                  chức cán bộ (hr)
                </label>
                <label>
                  <input
                    type="checkbox"
                    checked={admin}
                    onChange={(e) => setAdmin(e.currentTarget.checked)}
                  />{' '}
                  Quản trị (admin)
                </label>
              </fieldset>
              <button type="submit" class="primary" disabled={action.busy}>
                Đăng nhập
              </button>
            </form>
          </section>
        </>
      ) : (
        <section class="card">
          <p>Đăng nhập bằng tài khoản do cơ quan cấp.</p>
          <button
            type="button"
            class="primary"
            disabled={action.busy}
            onClick={() => void action.run(() => startSignIn(config, returnTo))}
          >
            Đăng nhập
          </button>
        </section>
      )}
    </main>
  );
}
