/** State values as the API shows them: nested states as dotted paths. */

/** The dotted path of a (possibly nested) state value: `{ inDepartment: 'review' }` → `inDepartment.review`. */
export function statePath(value: string | Record<string, unknown>): string {
  if (typeof value === 'string') return value;
  const [key, child] = Object.entries(value)[0] ?? [];
  if (key === undefined) return '';
  return child === undefined || (typeof child === 'object' && child !== null && Object.keys(child).length === 0)
    ? key
    : `${key}.${statePath(child as string | Record<string, unknown>)}`;
}

/** The state value of a dotted path: `inDepartment.review` → `{ inDepartment: 'review' }`. */
export function stateValueOf(path: string): string | Record<string, unknown> {
  const [head, ...rest] = path.split('.');
  return rest.length === 0 ? (head as string) : { [head as string]: stateValueOf(rest.join('.')) };
}
