import { ID_TYPES, type IdType } from '../api/routes/dossiers/dossiers.schema.ts';
import type { Option } from './components/field.tsx';

/** The identity papers an applicant may give the number of, as the forms' list says them. */
export const ID_TYPE_LABELS: Record<IdType, string> = {
  cccd: 'Căn cước / căn cước công dân (số định danh cá nhân)',
  taxCode: 'Mã số thuế / mã số doanh nghiệp',
  passport: 'Hộ chiếu Việt Nam',
  foreignPassport: 'Hộ chiếu nước ngoài',
};

export const ID_TYPE_OPTIONS: Option[] = ID_TYPES.map((t) => ({ value: t, label: ID_TYPE_LABELS[t] }));

/** What a number of each type is, said beside the field when it is refused (the rules: dossiers.schema.ts ID_NUMBER_PATTERNS). */
const ID_NUMBER_PROBLEMS: Record<IdType, string> = {
  cccd: 'Số định danh cá nhân gồm đúng 12 chữ số.',
  taxCode: 'Mã số thuế gồm 10 chữ số, hoặc 13 chữ số viết 10-3 (ví dụ 0101234567-001) cho chi nhánh, đơn vị phụ thuộc.',
  passport: 'Số hộ chiếu Việt Nam gồm 1 chữ cái và 7 chữ số (ví dụ C1234567).',
  foreignPassport: 'Số hộ chiếu nước ngoài gồm 6–9 chữ cái hoặc chữ số, như in trên hộ chiếu.',
};

export function isIdType(value: string | undefined): value is IdType {
  return (ID_TYPES as readonly string[]).includes(value ?? '');
}

/** Why a number was refused, for the type chosen (or the rule without a type). */
export function idNumberProblem(idType: string | undefined): string {
  return isIdType(idType) ? ID_NUMBER_PROBLEMS[idType] : 'Số giấy tờ gồm 6–20 chữ cái hoặc chữ số (mã số thuế có thể viết 10-3).';
}

/**
 * A typed number as the API takes it: spaces and dots people put between digit groups removed, a
 * passport's letter in capitals. The type itself is checked by the API's schema.
 */
export function normalIdNumber(idType: string | undefined, typed: string): string {
  const compact = typed.replace(/[\s.]/g, '');
  return idType === 'passport' || idType === 'foreignPassport' ? compact.toUpperCase() : compact;
}
