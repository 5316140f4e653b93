import { SESSION_COOKIE } from '../../api/middlewares/auth.ts';
import { loginFromRequest } from '../../api/login-request.ts';
import { SessionParams } from '../../api/routes/auth/auth.schema.ts';
import { hasRole } from '../../auth/principal.ts';
import { DOSSIER_ROLES } from '../../auth/policies/dossier.policy.ts';
import { changePassword } from '../../domain/accounts/login.service.ts';
import { listSessions, logout, revokeSession } from '../../domain/accounts/sessions.service.ts';
import { AuthenticationError, TooManyRequestsError, ValidationError } from '../../domain/errors.ts';
import type { FormErrors } from '../form-errors.ts';
import { DOCUMENT_ROLES } from '../documents/document-roles.ts';
import { definePage, safeNext } from '../page.ts';
import { LoginView, PasswordView, SessionsView } from './auth.views.tsx';

/** Where the login page keeps its device cookie (login-throttle.ts): only the login reads it. */
const LOGIN_PATH = '/login';

function lockedMessage(err: TooManyRequestsError): string {
  const seconds = (err.details as { retryAfterSeconds?: number } | null)?.retryAfterSeconds;
  const minutes = seconds ? Math.max(1, Math.ceil(seconds / 60)) : null;
  return err.code === 'ACCOUNT_LOCKED'
    ? `Đăng nhập sai quá nhiều lần: tài khoản tạm khóa${minutes ? ` khoảng ${minutes} phút` : ''}. Nếu cần gấp, hãy liên hệ quản trị hệ thống.`
    : `Có quá nhiều lần đăng nhập từ địa chỉ này. Vui lòng thử lại sau${minutes ? ` khoảng ${minutes} phút` : ''}.`;
}

/** Vietnamese for the password policy's problems (src/auth/passwords.ts). */
const PASSWORD_PROBLEMS: Record<string, string> = {
  'it must have at least 10 characters': 'cần ít nhất 10 ký tự',
  'it must mix letters and digits': 'cần có cả chữ và số',
  'it must not contain the username': 'không được chứa tên đăng nhập',
  'it must differ from the current password': 'phải khác mật khẩu hiện tại',
};

export const authPages = [
  definePage({
    method: 'get',
    path: '/',
    auth: 'public',
    handler: async ({ principal }) => {
      if (!principal) return { redirect: '/login' };
      if (principal.mustChangePassword) return { redirect: '/password' };
      // The IT officer's work is the admin pages (they may also read dossiers, from the navigation).
      if (hasRole(principal, 'admin')) return { redirect: '/admin' };
      return { redirect: hasRole(principal, ...DOSSIER_ROLES, ...DOCUMENT_ROLES) ? '/workspace' : '/sessions' };
    },
  }),
  definePage({
    method: 'get',
    path: '/login',
    auth: 'public',
    handler: async ({ principal, page, query }) => {
      const next = safeNext(query.next);
      if (principal) return { redirect: next ?? '/' };
      return { view: LoginView({ page, next, msg: query.msg }) };
    },
  }),
  definePage({
    method: 'post',
    path: '/login',
    auth: 'public',
    handler: async ({ form, page, ctx, deps }) => {
      const username = (form.username ?? '').trim();
      const password = form.password ?? '';
      const next = safeNext(form.next);
      const errors: FormErrors = { fields: {} };
      if (!username) errors.fields.username = 'Hãy nhập tên đăng nhập.';
      if (!password) errors.fields.password = 'Hãy nhập mật khẩu.';
      if (username.length > 64) errors.fields.username = 'Tên đăng nhập dài quá 64 ký tự.';
      if (password.length > 200) errors.fields.password = 'Mật khẩu dài quá 200 ký tự.';
      if (Object.keys(errors.fields).length > 0) return { view: LoginView({ page, username, next, errors }), status: 400 };
      try {
        // The API's very login: the same throttles, audit and device cookie.
        const result = await loginFromRequest(ctx, deps, { username, password }, LOGIN_PATH);
        return { redirect: result.user.mustChangePassword ? '/password' : (next ?? '/') };
      } catch (err) {
        if (err instanceof AuthenticationError) {
          return { view: LoginView({ page, username, next, errors: { fields: {}, form: 'Sai tên đăng nhập hoặc mật khẩu.' } }), status: 401 };
        }
        if (err instanceof TooManyRequestsError) {
          const retry = (err.details as { retryAfterSeconds?: number } | null)?.retryAfterSeconds;
          if (retry) ctx.set('Retry-After', String(retry));
          return { view: LoginView({ page, username, next, errors: { fields: {}, form: lockedMessage(err) } }), status: 429 };
        }
        throw err;
      }
    },
  }),
  definePage({
    method: 'post',
    path: '/logout',
    auth: 'user',
    beforePasswordChange: true,
    changesCredentials: true,
    handler: async ({ principal, ctx, deps }) => {
      await logout(deps.db, principal, deps.clock());
      ctx.cookies.set(SESSION_COOKIE, null);
      return { redirect: '/login?msg=logged-out' };
    },
  }),
  definePage({
    method: 'get',
    path: '/password',
    auth: 'user',
    beforePasswordChange: true,
    handler: async ({ principal, page }) => ({ view: PasswordView({ page, forced: principal.mustChangePassword }) }),
  }),
  definePage({
    method: 'post',
    path: '/password',
    auth: 'user',
    beforePasswordChange: true,
    changesCredentials: true,
    handler: async ({ principal, page, form, ctx, deps }) => {
      const forced = principal.mustChangePassword;
      const currentPassword = form.currentPassword ?? '';
      const newPassword = form.newPassword ?? '';
      const errors: FormErrors = { fields: {} };
      if (!currentPassword) errors.fields.currentPassword = 'Hãy nhập mật khẩu hiện tại.';
      if (!newPassword) errors.fields.newPassword = 'Hãy nhập mật khẩu mới.';
      else if (newPassword !== (form.confirmPassword ?? '')) errors.fields.confirmPassword = 'Hai lần nhập mật khẩu mới không khớp.';
      if (currentPassword.length > 200) errors.fields.currentPassword = 'Dài quá 200 ký tự.';
      if (newPassword.length > 200) errors.fields.newPassword = 'Dài quá 200 ký tự.';
      if (Object.keys(errors.fields).length > 0) return { view: PasswordView({ page, forced, errors }), status: 400 };
      try {
        await changePassword(deps.db, principal, { currentPassword, newPassword }, deps.clock(), { ...deps.config.login, scryptCost: deps.config.scryptCost }, { ip: ctx.ip, log: ctx.state.logger ?? deps.logger });
      } catch (err) {
        if (err instanceof AuthenticationError) return { view: PasswordView({ page, forced, errors: { fields: { currentPassword: 'Mật khẩu hiện tại không đúng.' } } }), status: 401 };
        if (err instanceof ValidationError && err.code === 'WEAK_PASSWORD') {
          const problems = ((err.details as { problems?: string[] } | null)?.problems ?? []).map((p) => PASSWORD_PROBLEMS[p] ?? p);
          return { view: PasswordView({ page, forced, errors: { fields: { newPassword: `Mật khẩu mới chưa đạt: ${problems.join('; ')}.` } } }), status: 400 };
        }
        if (err instanceof TooManyRequestsError) return { view: PasswordView({ page, forced, errors: { fields: {}, form: lockedMessage(err) } }), status: 429 };
        throw err;
      }
      return { redirect: forced ? '/' : '/sessions?msg=password-changed' };
    },
  }),
  definePage({
    method: 'get',
    path: '/sessions',
    auth: 'user',
    handler: async ({ principal, page, query, deps }) => ({ view: SessionsView({ page, sessions: await listSessions(deps.db, principal, deps.clock()), msg: query.msg }) }),
  }),
  definePage({
    method: 'post',
    path: '/sessions/:id/revoke',
    auth: 'user',
    changesCredentials: true,
    params: SessionParams,
    handler: async ({ params, principal, ctx, deps }) => {
      await revokeSession(deps.db, principal, params.id, deps.clock());
      if (principal.sessionId?.startsWith(params.id)) {
        ctx.cookies.set(SESSION_COOKIE, null);
        return { redirect: '/login?msg=logged-out' };
      }
      return { redirect: '/sessions?msg=session-revoked' };
    },
  }),
];

