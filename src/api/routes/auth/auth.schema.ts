import { Type } from '@sinclair/typebox';
import { Instant, Nullable } from '../../schemas/common.ts';
import { User } from '../users/users.schema.ts';

export const LoginBody = Type.Object(
  { username: Type.String({ minLength: 1, maxLength: 64 }), password: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);

export const LoginResponse = Type.Object(
  {
    token: Type.String({ description: 'Session token: send as `Authorization: Bearer <token>`; browsers get it as an HttpOnly cookie too' }),
    expiresAt: Instant,
    user: User,
  },
  { additionalProperties: false },
);

export const PasswordBody = Type.Object(
  { currentPassword: Type.String({ minLength: 1, maxLength: 200 }), newPassword: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);

export const Me = Type.Object(
  {
    user: User,
    via: Type.Union([Type.Literal('session'), Type.Literal('token')]),
    effectiveRoles: Type.Array(Type.String(), { description: 'For an API token: the roles it is scoped to' }),
  },
  { additionalProperties: false },
);

export const Session = Type.Object(
  {
    id: Type.String(),
    createdAt: Instant,
    lastSeenAt: Instant,
    expiresAt: Instant,
    ip: Nullable(Type.String()),
    userAgent: Nullable(Type.String()),
    current: Type.Boolean(),
  },
  { additionalProperties: false },
);

export const SessionParams = Type.Object({ id: Type.String({ pattern: '^[0-9a-f]{16}$' }) }, { additionalProperties: false });
