import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { TSchema } from '@sinclair/typebox';
import { ValidationError } from '../domain/errors.ts';

// ajv-formats ships CommonJS with a default export.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

function createAjv(coerce: boolean): Ajv {
  const ajv = new Ajv({ allErrors: true, coerceTypes: coerce ? 'array' : false, useDefaults: true, strict: true, removeAdditional: false });
  addFormats(ajv);
  return ajv;
}

/** Bodies are validated as sent; query strings and path parameters are text and are coerced to the schema's types. */
const bodyAjv = createAjv(false);
const textAjv = createAjv(true);
const compiled = new WeakMap<TSchema, ValidateFunction>();

export function compile(schema: TSchema, from: 'body' | 'text'): ValidateFunction {
  let fn = compiled.get(schema);
  if (!fn) {
    fn = (from === 'body' ? bodyAjv : textAjv).compile(schema);
    compiled.set(schema, fn);
  }
  return fn;
}

function describe(errors: ErrorObject[] | null | undefined, where: string) {
  return (errors ?? []).map((e) => {
    const path = `${where}${e.instancePath}`;
    if (e.keyword === 'additionalProperties') return { path: `${path}/${(e.params as { additionalProperty: string }).additionalProperty}`, message: 'is not allowed' };
    if (e.keyword === 'required') return { path: `${path}/${(e.params as { missingProperty: string }).missingProperty}`, message: 'is required' };
    return { path, message: e.message ?? 'is invalid' };
  });
}

/**
 * Validates (and for text, coerces in place) a value against its schema.
 * @throws ValidationError VALIDATION_FAILED listing every problem with its JSON pointer.
 */
export function validate<T>(schema: TSchema, value: unknown, where: 'body' | 'query' | 'params'): T {
  const fn = compile(schema, where === 'body' ? 'body' : 'text');
  if (!fn(value)) {
    const problems = describe(fn.errors, where);
    throw new ValidationError('VALIDATION_FAILED', `Invalid ${where}: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}`, { problems });
  }
  return value as T;
}
