import { Type } from '@sinclair/typebox';
import { Id, Instant, Nullable, RoleSchema, Text } from '../../schemas/common.ts';

export const User = Type.Object(
  {
    id: Id,
    username: Type.String(),
    fullName: Type.String(),
    email: Nullable(Type.String()),
    departmentId: Nullable(Id),
    roles: Type.Array(RoleSchema),
    mustChangePassword: Type.Boolean(),
    disabled: Type.Boolean(),
    lockedUntil: Nullable(Instant),
    createdAt: Instant,
  },
  { additionalProperties: false, title: 'User' },
);

export const NewUserBody = Type.Object(
  {
    username: Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{2,63}$', description: 'lower case letters, digits, . _ -' }),
    fullName: Text(200),
    email: Type.Optional(Nullable(Type.String({ format: 'email', maxLength: 254 }))),
    departmentId: Type.Optional(Nullable(Id)),
    roles: Type.Array(RoleSchema, { minItems: 1, uniqueItems: true }),
    password: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Initial password; generated when absent' })),
  },
  { additionalProperties: false },
);

export const NewUserResponse = Type.Object(
  {
    user: User,
    initialPassword: Nullable(Type.String({ description: 'Shown once when generated; to hand to the user (Điều 3.2)' })),
  },
  { additionalProperties: false },
);

export const UserQuery = Type.Object({ departmentId: Type.Optional(Id), role: Type.Optional(RoleSchema) }, { additionalProperties: false });

export const UserStatusBody = Type.Object(
  {
    disabled: Type.Optional(Type.Boolean()),
    unlock: Type.Optional(Type.Literal(true, { description: 'Clear a lock-out after repeated failed logins' })),
  },
  { additionalProperties: false, minProperties: 1 },
);
