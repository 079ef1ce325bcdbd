/**
 * Sign-in: the authorization code flow with PKCE against the Cognito managed login or the organisation's OpenID
 * provider; locally against `npm start`'s own provider, whose page offers the demo accounts. The app goes there
 * by itself, except after a sign-out or an expired session (the user then chooses when).
 */
import { useEffect, useState } from 'preact/hooks';
import { startSignIn, takeSignedOut } from '../auth/session.ts';
import { ErrorNotice, Loading } from '../components/ui.tsx';
import { type RuntimeConfig, runsLocally } from '../config.ts';
import { useAction } from '../lib/hooks.ts';
import { usePageTitle } from '../lib/router.tsx';

export function SignIn({
  config,
  returnTo,
  reason,
}: {
  config: RuntimeConfig;
  returnTo: string;
  reason: string | null;
}) {
  usePageTitle('Đăng nhập', '/dang-nhap');
  const action = useAction();
  const [signedOut] = useState(takeSignedOut);
  const automatic = reason === null && !signedOut;
  const start = () => void action.run(() => startSignIn(config, returnTo));

  useEffect(() => {
    if (automatic) start();
    // Once, when the page opens.
  }, []);

  return (
    <main id="main" class="sign-in">
      <h1 tabIndex={-1}>Đăng nhập</h1>
      <p class="lead">
        Hệ thống đánh giá, xếp loại chất lượng cán bộ, công chức, viên chức và người lao động hằng tháng.
      </p>
      {signedOut && (
        <p class="notice notice-success" role="status">
          Bạn đã đăng xuất.
        </p>
      )}
      {reason && <p class="notice notice-warn">{reason}</p>}
      <ErrorNotice error={action.error} />
      <section class="card">
        <p>
          {runsLocally(config)
            ? 'Đăng nhập qua máy chủ đăng nhập chạy trên máy (npm start): chọn một tài khoản mẫu hoặc nhập mã nhân sự.'
            : 'Đăng nhập bằng tài khoản do cơ quan cấp.'}
        </p>
        {automatic && !action.error && <Loading label="Đang chuyển đến trang đăng nhập…" />}
        <button type="button" class="primary" disabled={action.busy} onClick={start}>
          Đăng nhập
        </button>
      </section>
    </main>
  );
}
