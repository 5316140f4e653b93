import { Type, type TObject, type TSchema, type TUnsafe } from '@sinclair/typebox';
import type { EventBody } from '../../domain/workflow/fire-event.ts';
import { ValidationError } from '../../domain/errors.ts';
import { validate } from '../validation.ts';

/** The body schema of each event of a machine: its type, the version the client last saw, its payload. */
export function eventSchemas<T extends string>(payloads: Record<T, Record<string, TSchema>>): Record<T, TObject> {
  return Object.fromEntries(
    (Object.keys(payloads) as T[]).map((type) => [
      type,
      Type.Object({ type: Type.Literal(type), version: Type.Integer({ minimum: 1 }), ...payloads[type] }, { additionalProperties: false, title: type }),
    ]),
  ) as unknown as Record<T, TObject>;
}

/** A route's event body: the schema it publishes and the validator that enforces exactly that schema. */
export interface EventBodyContract<T extends string> {
  schema: TUnsafe<EventBody & { type: T }>;
  validate(value: unknown): EventBody & { type: T };
}

/**
 * The events a route takes (all of a machine's, or the few an applicant may send), published and
 * validated from one list: an event outside it is UNKNOWN_EVENT naming those it takes, and a payload is
 * checked against its own type's schema so that errors are precise.
 */
export function eventBody<T extends string>(schemas: Record<string, TObject>, types: readonly T[], description = 'An event and the version the client last saw'): EventBodyContract<T> {
  const known = new Set<string>(types);
  return {
    schema: Type.Unsafe<EventBody & { type: T }>(Type.Union(types.map((type) => schemas[type] as TObject), { description })),
    validate(value: unknown) {
      const type = typeof value === 'object' && value !== null ? (value as { type?: unknown }).type : undefined;
      if (typeof type !== 'string' || !known.has(type)) {
        throw new ValidationError('UNKNOWN_EVENT', `Unknown event type ${JSON.stringify(type ?? null)}; this route takes ${types.join(', ')}`, { knownEvents: types });
      }
      return validate<EventBody & { type: T }>(schemas[type] as TObject, value, 'body');
    },
  };
}
