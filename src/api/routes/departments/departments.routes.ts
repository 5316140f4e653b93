import { Type } from '@sinclair/typebox';
import { createDepartment, listDepartments, renameDepartment } from '../../../domain/accounts/departments.service.ts';
import { idempotentTransaction } from '../../../domain/idempotency/idempotency.ts';
import { defineRoute } from '../../route.ts';
import { Id, IdParams, Instant, Nullable, Text } from '../../schemas/common.ts';

export const Department = Type.Object(
  { id: Id, code: Type.String(), name: Type.String(), parentId: Nullable(Id), createdAt: Instant },
  { additionalProperties: false, title: 'Department' },
);

export const NewDepartmentBody = Type.Object(
  {
    code: Type.String({ pattern: '^[A-Z0-9][A-Z0-9_-]{0,31}$', description: 'Short code, e.g. QLNL' }),
    name: Text(200),
    parentId: Type.Optional(Nullable(Id)),
  },
  { additionalProperties: false },
);

/** What an admin may change of a department: its name (the code stays: procedures and reports name it). */
export const DepartmentChangeBody = Type.Object({ name: Text(200) }, { additionalProperties: false });

export const departmentRoutes = [
  defineRoute({
    method: 'post',
    path: '/api/departments',
    tag: 'accounts',
    summary: 'Create a department (admin)',
    auth: ['admin'],
    body: NewDepartmentBody,
    response: { status: 201, schema: Department, description: 'The department' },
    errorCodes: { 400: ['UNKNOWN_REFERENCE'], 409: ['DUPLICATE'] },
    errors: [400, 401, 403, 409],
    idempotent: true,
    handler: ({ body, principal, deps, idempotency }) =>
      idempotentTransaction(deps.db, idempotency, deps.clock().toISOString(), 201, (trx) => createDepartment(trx, { kind: 'user', id: principal.userId }, body, deps.clock())),
  }),
  defineRoute({
    method: 'get',
    path: '/api/departments',
    tag: 'accounts',
    summary: 'List departments',
    auth: 'user',
    response: { status: 200, schema: Type.Object({ items: Type.Array(Department) }), description: 'Departments' },
    errors: [401],
    handler: async ({ deps }) => ({ items: await listDepartments(deps.db) }),
  }),
  defineRoute({
    method: 'patch',
    path: '/api/departments/:id',
    tag: 'accounts',
    summary: 'Rename a department (admin)',
    description: 'The code stays. Audited as DEPARTMENT_RENAMED with the previous name.',
    auth: ['admin'],
    params: IdParams,
    body: DepartmentChangeBody,
    response: { status: 200, schema: Department, description: 'The department' },
    errors: [400, 401, 403, 404],
    handler: ({ params, body, principal, deps }) => renameDepartment(deps.db, { kind: 'user', id: principal.userId }, params.id, body, deps.clock()),
  }),
];
