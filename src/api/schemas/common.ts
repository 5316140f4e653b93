import { Type, type TSchema } from '@sinclair/typebox';
import { ROLES } from '../../auth/principal.ts';

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** An ISO-8601 instant with its offset. */
export const Instant = Type.String({ format: 'date-time', description: 'ISO-8601 instant, e.g. 2026-04-29T09:00:00+07:00' });
export const LocalDate = Type.String({ format: 'date', description: 'Local date YYYY-MM-DD (Asia/Ho_Chi_Minh)' });
export const Id = Type.Integer({ minimum: 1, maximum: 2147483647 });
export const IdParams = Type.Object({ id: Id }, { additionalProperties: false });

/** A non-blank line of text (a reason, a note). */
export const Text = (maxLength: number) => Type.String({ minLength: 1, maxLength, pattern: '\\S' });

export const RoleSchema = Type.Union(ROLES.map((r) => Type.Literal(r)));

export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'Stable machine-readable code' }),
      message: Type.String(),
      details: Type.Unknown(),
    }),
  },
  { title: "Error" },
);

export const Ok = Type.Object({ ok: Type.Literal(true) });
