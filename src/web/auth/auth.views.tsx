import type { SessionView } from '../../domain/accounts/sessions.service.ts';
import { CsrfField } from '../components/csrf-field.tsx';
import { Field } from '../components/field.tsx';
import { ErrorSummary, summaryItems } from '../components/error-summary.tsx';
import { Notice } from '../components/notice.tsx';
import { Badge } from '../components/badge.tsx';
import { Table } from '../components/table.tsx';
import type { FormErrors } from '../form-errors.ts';
import { formatDateTime } from '../format.ts';
import { Layout } from '../layout.tsx';
import type { PageContext } from '../page-context.ts';

const NO_ERRORS: FormErrors = { fields: {} };

/** Messages a redirect may ask a page to show (`?msg=`): fixed texts, so nothing typed travels in a URL. */
export const MESSAGES: Record<string, { kind: 'ok' | 'info'; text: string }> = {
  'logged-out': { kind: 'ok', text: 'Bạn đã đăng xuất.' },
  'password-changed': { kind: 'ok', text: 'Đã đổi mật khẩu. Các phiên đăng nhập khác của bạn đã được kết thúc.' },
  'session-revoked': { kind: 'ok', text: 'Đã kết thúc phiên đăng nhập.' },
  'session-ended': { kind: 'info', text: 'Phiên đăng nhập đã kết thúc. Vui lòng đăng nhập lại.' },
};

export function FlashMessage({ code }: { code: string | undefined }) {
  const m = code ? MESSAGES[code] : undefined;
  return m ? <Notice kind={m.kind}>{m.text}</Notice> : null;
}

export function LoginView({ page, username = '', next, errors = NO_ERRORS, msg }: { page: PageContext; username?: string; next?: string | null; errors?: FormErrors; msg?: string }) {
  return (
    <Layout page={page} title="Đăng nhập">
      <div class="narrow panel">
        <FlashMessage code={msg} />
        <ErrorSummary title="Chưa đăng nhập được" items={summaryItems(errors.fields, { username: 'Tên đăng nhập', password: 'Mật khẩu' })}>
          {errors.form && <p>{errors.form}</p>}
        </ErrorSummary>
        <form method="post" action="/login" novalidate>
          <CsrfField token={page.csrf} />
          {next && <input type="hidden" name="next" value={next} />}
          <Field name="username" label="Tên đăng nhập" value={username} error={errors.fields.username} required autocomplete="username" autofocus={!username} maxLength={64} />
          <Field name="password" label="Mật khẩu" type="password" error={errors.fields.password} required autocomplete="current-password" autofocus={Boolean(username)} maxLength={200} />
          <button type="submit">Đăng nhập</button>
        </form>
      </div>
    </Layout>
  );
}

export function PasswordView({ page, errors = NO_ERRORS, forced }: { page: PageContext; errors?: FormErrors; forced: boolean }) {
  return (
    <Layout page={page} title="Đổi mật khẩu">
      <div class="narrow panel">
        {forced && (
          <Notice kind="info" title="Bạn cần đổi mật khẩu trước khi làm việc">
            <p>Mật khẩu hiện tại là mật khẩu ban đầu do quản trị cấp. Hãy đặt mật khẩu mới của riêng bạn.</p>
          </Notice>
        )}
        <ErrorSummary title="Chưa đổi được mật khẩu" items={summaryItems(errors.fields, { currentPassword: 'Mật khẩu hiện tại', newPassword: 'Mật khẩu mới', confirmPassword: 'Nhập lại mật khẩu mới' })}>
          {errors.form && <p>{errors.form}</p>}
        </ErrorSummary>
        <form method="post" action="/password" novalidate>
          <CsrfField token={page.csrf} />
          <Field name="currentPassword" label="Mật khẩu hiện tại" type="password" error={errors.fields.currentPassword} required autocomplete="current-password" maxLength={200} />
          <Field
            name="newPassword"
            label="Mật khẩu mới"
            type="password"
            hint="Ít nhất 10 ký tự, có cả chữ và số, không chứa tên đăng nhập."
            error={errors.fields.newPassword}
            required
            autocomplete="new-password"
            maxLength={200}
          />
          <Field name="confirmPassword" label="Nhập lại mật khẩu mới" type="password" error={errors.fields.confirmPassword} required autocomplete="new-password" maxLength={200} />
          <button type="submit">Đổi mật khẩu</button>
        </form>
      </div>
    </Layout>
  );
}

/** A browser's user-agent string, shortened to what a person recognises. */
function browserOf(userAgent: string | null): string {
  if (!userAgent) return 'Không rõ';
  const name = /(Edg|Firefox|Chrome|Chromium|Safari|curl|node)\/[\d.]+/.exec(userAgent)?.[0] ?? userAgent.slice(0, 60);
  const os = /(Windows NT [\d.]+|Android [\d.]+|iPhone|iPad|Mac OS X [\d_]+|Linux)/.exec(userAgent)?.[0];
  return os ? `${name} · ${os}` : name;
}

export function SessionsView({ page, sessions, msg }: { page: PageContext; sessions: SessionView[]; msg?: string }) {
  return (
    <Layout page={page} title="Phiên đăng nhập">
      <FlashMessage code={msg} />
      <p>
        Các nơi bạn đang đăng nhập. Nếu thấy một phiên bạn không nhận ra, hãy kết thúc phiên đó và đổi mật khẩu (Điều 14.3 quy chế).
      </p>
      <Table
        caption="Phiên đang mở"
        rows={sessions}
        rowKey={(s) => s.id}
        empty="Không có phiên nào đang mở."
        columns={[
          { header: 'Bắt đầu', cell: (s) => formatDateTime(s.createdAt), class: 'nowrap' },
          { header: 'Dùng gần nhất', cell: (s) => formatDateTime(s.lastSeenAt), class: 'nowrap' },
          { header: 'Hết hạn', cell: (s) => formatDateTime(s.expiresAt), class: 'nowrap' },
          { header: 'Địa chỉ IP', cell: (s) => s.ip ?? 'Không rõ' },
          { header: 'Trình duyệt', cell: (s) => browserOf(s.userAgent) },
          {
            header: 'Thao tác',
            cell: (s) => (
              <>
                {s.current && <Badge tone="ok">Phiên này</Badge>}{' '}
                <form class="inline-form" method="post" action={`/sessions/${s.id}/revoke`}>
                  <CsrfField token={page.csrf} />
                  <button type="submit" class="button-secondary">{s.current ? 'Đăng xuất phiên này' : 'Kết thúc phiên'}</button>
                </form>
              </>
            ),
          },
        ]}
      />
    </Layout>
  );
}
