/**
 * Thông báo: what the person must do (with deadlines, from their inboxes) and what happened to their evaluations
 * (returned with the reason, reviewed, approved with the grade, published, appeal decided), newest first; opening
 * one marks it read and goes to the evaluation. Trang cá nhân: the person's own reminder e-mail switch (in-app
 * notifications stay either way), and whether SES stopped mail to their address.
 */
import { useState } from 'preact/hooks';
import type { AppNotification, EmailSettings, Notifications } from '../api/types.ts';
import { ErrorNotice, Loading, Section, SuccessNotice } from '../components/ui.tsx';
import { useApp } from '../context.ts';
import { formatDateTime, formatPeriod } from '../lib/format.ts';
import { useAction, useLoad } from '../lib/hooks.ts';
import { Link, navigate, usePageTitle } from '../lib/router.tsx';

const TASK_LABELS: Record<string, (count: number) => string> = {
  selfAssessment: () => 'Tự đánh giá, chấm điểm và gửi lãnh đạo trực tiếp',
  review: (n) => `Nhận xét, chấm điểm ${n} phiếu`,
  approve: (n) => `Phê duyệt, xếp loại ${n} phiếu`,
};

export function NotificationsPage() {
  const { api, reloadMe } = useApp();
  usePageTitle('Thông báo', '/thong-bao');
  const list = useLoad(() => api.get<Notifications>('/v1/notifications'), []);
  const action = useAction();

  const open = async (n: AppNotification) => {
    if (!n.read) {
      // Read before leaving: the count in the header must not lag behind.
      await api.post(`/v1/notifications/${encodeURIComponent(n.id)}/read`);
      reloadMe();
    }
    navigate(n.path);
  };
  const readAll = () =>
    action.run(async () => {
      const { updated } = await api.post<{ updated: number }>('/v1/notifications/read-all');
      list.reload();
      reloadMe();
      action.setSuccess(`Đã đánh dấu ${updated} thông báo là đã đọc.`);
    });

  const data = list.data;
  return (
    <main id="main">
      <h1 tabIndex={-1}>Thông báo</h1>
      <ErrorNotice error={list.error ?? action.error} />
      <SuccessNotice message={action.success} />
      {!data && list.loading && <Loading />}
      {data && (
        <>
          <Section title="Việc cần làm" id="viec-can-lam">
            {data.tasks.length === 0 ? (
              <p class="muted">Không có việc nào đang chờ bạn.</p>
            ) : (
              <ul class="notif-list">
                {data.tasks.map((t) => (
                  <li key={`${t.kind}-${t.period}`} class="notif due">
                    <Link href={t.path}>
                      {TASK_LABELS[t.kind]?.(t.count) ?? t.kind} — {formatPeriod(t.period)}
                    </Link>
                    <span class="notif-meta">Hạn: {formatDateTime(t.deadline)}</span>
                  </li>
                ))}
              </ul>
            )}
          </Section>
          <Section title="Đã xảy ra với phiếu của bạn" id="da-xay-ra">
            {data.unread > 0 && (
              <p>
                <button type="button" disabled={action.busy} onClick={readAll}>
                  Đánh dấu tất cả đã đọc ({data.unread})
                </button>
              </p>
            )}
            {data.items.length === 0 ? (
              <p class="muted">Chưa có thông báo nào.</p>
            ) : (
              <ul class="notif-list">
                {data.items.map((n) => (
                  <li key={n.id} class={n.read ? 'notif' : 'notif unread'}>
                    <a
                      href={n.path}
                      onClick={(e) => {
                        e.preventDefault();
                        void open(n);
                      }}
                    >
                      {n.read ? null : <span class="sr-only">Chưa đọc: </span>}
                      {n.message}
                    </a>
                    <span class="notif-meta">{formatDateTime(n.at)}</span>
                  </li>
                ))}
              </ul>
            )}
          </Section>
          <p>
            <Link href="/ca-nhan">Cài đặt thư nhắc việc</Link>
          </p>
        </>
      )}
    </main>
  );
}

export function ProfilePage() {
  const { api, me, reloadMe } = useApp();
  usePageTitle('Trang cá nhân', '/ca-nhan');
  const [email, setEmail] = useState<EmailSettings>(me.email);
  const action = useAction();
  const toggle = (enabled: boolean) => {
    // The box follows the click at once; a refusal puts it back.
    const before = email;
    setEmail({ ...email, enabled });
    return action.run(async () => {
      let saved: { email: EmailSettings };
      try {
        saved = await api.put<{ email: EmailSettings }>('/v1/me/email', { enabled });
      } catch (e) {
        setEmail(before);
        throw e;
      }
      setEmail(saved.email);
      reloadMe();
      action.setSuccess(
        enabled ? 'Đã bật thư nhắc việc.' : 'Đã tắt thư nhắc việc. Thông báo trong ứng dụng vẫn được giữ.',
      );
    });
  };
  return (
    <main id="main">
      <h1 tabIndex={-1}>Trang cá nhân</h1>
      <dl class="facts">
        <dt>Họ và tên</dt>
        <dd>{me.employee?.name ?? me.employeeId}</dd>
        <dt>Mã nhân sự</dt>
        <dd>{me.employeeId}</dd>
        <dt>Thư điện tử</dt>
        <dd>{me.employee?.email ?? 'Chưa có (cán bộ tổ chức cập nhật)'}</dd>
      </dl>
      <Section title="Thư nhắc việc" id="thu-nhac-viec">
        <p>
          Trong những ngày trước hạn, hệ thống gửi mỗi ngày một thư nhắc các việc còn phải làm. Thư không chứa
          điểm hay kết quả xếp loại.
        </p>
        {email.suppressed && (
          <p class="notice notice-warn" role="status">
            Thư gửi tới địa chỉ này bị {email.suppressed.reason === 'bounce' ? 'trả lại' : 'báo là thư rác'}{' '}
            ngày {formatDateTime(email.suppressed.at)}: hệ thống ngừng gửi cho đến khi cán bộ tổ chức cập nhật
            địa chỉ.
          </p>
        )}
        <label class="check">
          <input
            type="checkbox"
            checked={email.enabled}
            disabled={action.busy}
            onChange={(e) => void toggle(e.currentTarget.checked)}
          />
          Nhận thư nhắc việc qua thư điện tử
        </label>
        <ErrorNotice error={action.error} />
        <SuccessNotice message={action.success} />
      </Section>
      <p>
        <Link href="/thong-bao">Xem thông báo</Link>
      </p>
    </main>
  );
}

/** The bell in the header: the unread count from /v1/me, a link to the list. */
export function Bell({ unread, current }: { unread: number; current: boolean }) {
  const label = unread > 0 ? `Thông báo: ${unread} chưa đọc` : 'Thông báo: không có thông báo mới';
  return (
    <Link href="/thong-bao" class="bell" aria-label={label} aria-current={current ? 'page' : undefined}>
      <svg aria-hidden="true" viewBox="0 0 24 24" width="22" height="22" focusable="false">
        <path
          fill="currentColor"
          d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z"
        />
      </svg>
      {unread > 0 && (
        <span class="count" aria-hidden="true" data-testid="bell-count">
          {unread > 99 ? '99+' : unread}
        </span>
      )}
    </Link>
  );
}
