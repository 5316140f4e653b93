import { Type } from '@sinclair/typebox';
import { addProcedureRules, createProcedure, getProcedure, listProcedures, updateProcedure } from '../../../domain/procedures/procedures.service.ts';
import { idempotentTransaction } from '../../../domain/idempotency/idempotency.ts';
import { defineRoute } from '../../route.ts';
import { IdParams } from '../../schemas/common.ts';
import { NewProcedureBody, Procedure, ProcedureChangeBody, ProcedureRulesBody } from './procedures.schema.ts';

export const procedureRoutes = [
  defineRoute({
    method: 'post',
    path: '/api/procedures',
    tag: 'procedures',
    summary: 'Create an administrative procedure (admin)',
    auth: ['admin'],
    body: NewProcedureBody,
    response: { status: 201, schema: Procedure, description: 'The procedure with the rules in force' },
    errorCodes: { 400: ['UNKNOWN_REFERENCE', 'INVALID_STEP_ALLOCATION', 'FEE_CONFLICT', 'INVALID_REQUIRED_PAPERS', 'UNKNOWN_TEMPLATE'], 409: ['DUPLICATE'] },
    errors: [400, 401, 403, 409],
    idempotent: true,
    handler: ({ body, principal, deps, idempotency }) =>
      idempotentTransaction(deps.db, idempotency, deps.clock().toISOString(), 201, (trx) => createProcedure(trx, { kind: 'user', id: principal.userId }, body, deps.clock())),
  }),
  defineRoute({
    method: 'post',
    path: '/api/procedures/:id/rules',
    tag: 'procedures',
    summary: 'Publish new rules for a procedure from a date on (admin)',
    description: 'Dossiers received earlier keep the rules they were received under.',
    auth: ['admin'],
    params: IdParams,
    body: ProcedureRulesBody,
    response: { status: 201, schema: Procedure, description: 'The procedure with the rules in force now' },
    errorCodes: { 400: ['INVALID_STEP_ALLOCATION', 'FEE_CONFLICT', 'INVALID_REQUIRED_PAPERS', 'UNKNOWN_TEMPLATE'], 409: ['DUPLICATE'] },
    errors: [400, 401, 403, 404, 409],
    idempotent: true,
    handler: ({ params, body, principal, deps, idempotency }) =>
      idempotentTransaction(deps.db, idempotency, deps.clock().toISOString(), 201, (trx) =>
        addProcedureRules(trx, { kind: 'user', id: principal.userId }, params.id, body, deps.clock()),
      ),
  }),
  defineRoute({
    method: 'get',
    path: '/api/procedures',
    tag: 'procedures',
    summary: 'List procedures',
    auth: 'user',
    response: { status: 200, schema: Type.Object({ items: Type.Array(Procedure) }), description: 'Procedures' },
    errors: [401],
    handler: async ({ deps }) => ({ items: await listProcedures(deps.db, deps.clock()) }),
  }),
  defineRoute({
    method: 'get',
    path: '/api/procedures/:id',
    tag: 'procedures',
    summary: 'One procedure',
    auth: 'user',
    params: IdParams,
    response: { status: 200, schema: Procedure, description: 'The procedure' },
    errors: [400, 401, 404],
    handler: ({ params, deps }) => getProcedure(deps.db, params.id, deps.clock()),
  }),
  defineRoute({
    method: 'patch',
    path: '/api/procedures/:id',
    tag: 'procedures',
    summary: 'Open or close a procedure to new dossiers, or change its name and catalogue fields (admin)',
    description: 'An inactive procedure is neither offered on the portal nor received at the counter; dossiers already received go on. Audited as PROCEDURE_ACTIVATED or PROCEDURE_DEACTIVATED, and PROCEDURE_UPDATED for the name and the catalogue fields (lĩnh vực, cấp thực hiện, đối tượng, cơ quan thực hiện, điều kiện, căn cứ pháp lý, kết quả). Rules change only by POST …/rules.',
    auth: ['admin'],
    params: IdParams,
    body: ProcedureChangeBody,
    response: { status: 200, schema: Procedure, description: 'The procedure' },
    errors: [400, 401, 403, 404],
    handler: ({ params, body, principal, deps }) => updateProcedure(deps.db, { kind: 'user', id: principal.userId }, params.id, body, deps.clock()),
  }),
];
