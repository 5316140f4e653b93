import { describe, expect, it } from 'vitest';
import { DossierEventBody } from '../../src/api/routes/dossiers/dossiers.schema.ts';
import { validate } from '../../src/api/validation.ts';
import { RuleViolationError, ValidationError } from '../../src/domain/errors.ts';
import { DATE_PROBLEM, DATE_TIME_PROBLEM, formErrorsOf, RULE_MESSAGES, vietnameseProblem } from '../../src/web/form-errors.ts';
import { Type } from '@sinclair/typebox';
import { LocalDate } from '../../src/api/schemas/common.ts';

/** Issue 14 §5: the staff pages say which rule refused, never the generic “Giá trị không hợp lệ”. */
const GENERIC = /Giá trị không hợp lệ/;

const problemsOf = (schema: Parameters<typeof validate>[0], value: unknown) => {
  try {
    validate(schema, value, 'body');
  } catch (err) {
    return formErrorsOf(err as ValidationError).fields;
  }
  throw new Error('accepted');
};

describe('the messages beside the fields', () => {
  it('say the rule of a number: its bounds, that it is whole', () => {
    const schema = Type.Object({ pageCount: Type.Integer({ minimum: 1, maximum: 9999 }), copies: Type.Integer({ minimum: 0 }) });
    expect(problemsOf(schema, { pageCount: 0, copies: 1 })).toEqual({ pageCount: 'Phải từ 1 trở lên.' });
    expect(problemsOf(schema, { pageCount: 10000, copies: 1 })).toEqual({ pageCount: 'Không được lớn hơn 9999.' });
    expect(problemsOf(schema, { pageCount: 1.5, copies: 1 })).toEqual({ pageCount: 'Phải là một số nguyên (chỉ gồm chữ số).' });
    expect(problemsOf(schema, { pageCount: 1, copies: -1 })).toEqual({ copies: 'Không được là số âm.' });
  });

  it('say how to write a date, and that an end is not before its start', () => {
    expect(problemsOf(Type.Object({ d: LocalDate }), { d: '2026-02-31' })).toEqual({ d: DATE_PROBLEM });
    expect(problemsOf(Type.Object({ from: LocalDate, to: LocalDate }), { from: '2026-03-02', to: '2026-03-01' })).toEqual({ to: 'Không được trước ngày bắt đầu.' });
    expect(DATE_PROBLEM).toContain('26/02/2026');
    expect(DATE_TIME_PROBLEM).toContain('14:30');
  });

  it('say each domain rule that names its field by its code', () => {
    for (const [code, text] of Object.entries(RULE_MESSAGES)) {
      const err = code.startsWith('APOLOGY') ? new RuleViolationError(code, 'x', { field: 'newDueAt' }) : new ValidationError(code, 'x', { field: 'dueAt' });
      const fields = formErrorsOf(err).fields;
      expect(Object.values(fields)).toEqual([text]);
      expect(text).not.toMatch(GENERIC);
    }
    expect(formErrorsOf(new RuleViolationError('APOLOGY_DATE_NOT_LATER', 'x', { field: 'newDueAt' })).fields).toEqual({ newDueAt: 'Ngày hẹn trả mới phải sau ngày hẹn hiện tại.' });
  });

  it('never fall back to the generic message for what the validator says about the event forms', () => {
    const messages = ['must be integer', 'must be number', 'must be >= 1', 'must be <= 5', 'is required', 'must match pattern "^a$"', 'must be one of: a, b', 'whatever else'];
    for (const m of messages) expect(vietnameseProblem(m), m).not.toMatch(GENERIC);
    // A real event body: an apology without its new appointment.
    let fields: Record<string, string> = {};
    try {
      DossierEventBody.validate({ type: 'ISSUE_APOLOGY', version: 1, reason: 'Chậm do xác minh', newDueAt: 'ngày mai' });
    } catch (err) {
      fields = formErrorsOf(err as ValidationError).fields;
    }
    expect(fields.newDueAt).toBe(DATE_TIME_PROBLEM);
  });
});
