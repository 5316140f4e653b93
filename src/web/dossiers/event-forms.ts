import type { TObject, TSchema } from '@sinclair/typebox';
import { EVENT_SCHEMAS } from '../../api/routes/dossiers/dossiers.schema.ts';
import type { DossierEventType } from '../../../machines/dossier/index.ts';
import type { Option } from '../components/field.tsx';
import { fromLocalInput } from '../format.ts';
import { FIELD_LABELS, VALUE_LABELS } from '../labels.ts';

/** One field of an event's form, read from the event's body schema: the API's schema is the one source. */
export interface EventField {
  name: string;
  label: string;
  /** `papers`: a list of the procedure's required papers, ticked on the dossier's checklist. */
  kind: 'text' | 'textarea' | 'choice' | 'instant' | 'integer' | 'staff' | 'papers';
  required: boolean;
  maxLength?: number;
  /** For a choice: its values with their Vietnamese names. */
  options?: Option[];
}

/** Fields that name a staff member: picked from a list of people, not typed as a number. */
const STAFF_FIELDS = new Set(['assigneeId']);

interface SchemaShape {
  type?: string;
  format?: string;
  maxLength?: number;
  anyOf?: Array<{ const?: unknown }>;
}

function fieldOf(name: string, schema: TSchema, required: boolean): EventField {
  const s = schema as SchemaShape;
  const label = FIELD_LABELS[name] ?? name;
  if (s.anyOf && s.anyOf.every((b) => typeof b.const === 'string')) {
    const values = s.anyOf.map((b) => b.const as string);
    return { name, label, kind: 'choice', required, options: values.map((v) => ({ value: v, label: VALUE_LABELS[name]?.[v] ?? v })) };
  }
  if (s.type === 'array') return { name, label, kind: 'papers', required };
  if (s.type === 'integer') return { name, label, kind: STAFF_FIELDS.has(name) ? 'staff' : 'integer', required };
  if (s.type === 'string' && (s.format === 'date-time')) return { name, label, kind: 'instant', required };
  return { name, label, kind: (s.maxLength ?? 0) >= 1000 ? 'textarea' : 'text', required, maxLength: s.maxLength };
}

/** The fields an event's form asks for, in the schema's order, without `type` and `version`. */
export function eventFields(type: string): EventField[] {
  const schema = EVENT_SCHEMAS[type as DossierEventType] as TObject | undefined;
  if (!schema) return [];
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties)
    .filter(([name]) => name !== 'type' && name !== 'version')
    .map(([name, s]) => fieldOf(name, s, required.has(name)));
}

/**
 * The event body a posted form stands for, in the API's terms: empty fields left out (a required one is
 * then refused as missing), numbers read as numbers when written plainly, instants typed on Vietnam's
 * clock given their offset. Whatever does not convert stays text and fails the schema beside its field.
 */
export function eventBodyFromForm(type: string, form: Record<string, string>): Record<string, unknown> {
  const body: Record<string, unknown> = { type };
  const version = form.version ?? '';
  body.version = /^[1-9][0-9]{0,9}$/.test(version) ? Number(version) : version;
  for (const field of eventFields(type)) {
    if (field.kind === 'papers') {
      // One checkbox per paper, named `<field>.<code>`: the ticked codes, in the checklist's order.
      const codes = Object.keys(form).filter((k) => k.startsWith(`${field.name}.`)).map((k) => k.slice(field.name.length + 1));
      if (codes.length > 0) body[field.name] = codes;
      continue;
    }
    const raw = form[field.name];
    if (raw === undefined || raw.trim() === '') continue;
    if (field.kind === 'integer' || field.kind === 'staff') body[field.name] = /^[1-9][0-9]{0,9}$/.test(raw) ? Number(raw) : raw;
    else if (field.kind === 'instant') body[field.name] = fromLocalInput(raw);
    else body[field.name] = raw;
  }
  return body;
}
