/** Roles (DESIGN §2); a user may hold several. */
export const ROLES = ['admin', 'clerk', 'onestop', 'specialist', 'dept_lead', 'director', 'staff'] as const;
export type Role = (typeof ROLES)[number];

/**
 * What an API token may do: `api` acts through the API with the token's roles; `metrics` may only read
 * `/metrics` (what a Prometheus scraper needs: a leaked scrape token must not administer anything).
 */
export const TOKEN_SCOPES = ['api', 'metrics'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

/** An authenticated staff member, as a session or an API token presents them. */
export interface Principal {
  userId: number;
  username: string;
  fullName: string;
  departmentId: number | null;
  /** The user's roles; for an API token, only those the token is scoped to. */
  roles: Role[];
  mustChangePassword: boolean;
  via: 'session' | 'token';
  sessionId?: string;
  tokenId?: number;
  /** An API token's scope; absent for a session (which acts with the user's roles). */
  scope?: TokenScope;
  /** When the session or token stops working (null: an API token without expiry). */
  expiresAt: string | null;
}

export function hasRole(principal: Principal, ...roles: Role[]): boolean {
  return roles.some((role) => principal.roles.includes(role));
}
