import { CSRF_FIELD } from '../csrf.ts';

/** The hidden anti-forgery field every form carries. */
export function CsrfField({ token }: { token: string }) {
  return <input type="hidden" name={CSRF_FIELD} value={token} />;
}
