import type { Db, Executor } from '../../db/db.ts';
import { iso } from '../../lib/rows.ts';
import { appendEvent, type ActorRef } from '../audit/event-log.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import { isUniqueViolation } from '../../db/unique-violation.ts';

export interface DepartmentView {
  id: number;
  code: string;
  name: string;
  parentId: number | null;
  createdAt: string;
}

export interface NewDepartment {
  code: string;
  name: string;
  parentId?: number | null;
}

function toView(row: Record<string, unknown>): DepartmentView {
  return {
    id: row.id as number,
    code: row.code as string,
    name: row.name as string,
    parentId: (row.parent_id as number | null) ?? null,
    createdAt: iso(row.created_at) as string,
  };
}

/**
 * Creates a department (phòng, ban, đơn vị trực thuộc); departments form a tree.
 * @throws ConflictError when the code is taken; ValidationError when the parent does not exist.
 */
export async function createDepartment(db: Db, actor: ActorRef, input: NewDepartment, now: Date): Promise<DepartmentView> {
  const at = now.toISOString();
  return db.transaction(async (trx) => {
    const duplicate = () => new ConflictError('DUPLICATE', `A department with code ${input.code} already exists`, { field: 'code' });
    if (await trx('departments').where({ code: input.code }).first('id')) throw duplicate();
    if (input.parentId != null && !(await trx('departments').where({ id: input.parentId }).first('id'))) {
      throw new ValidationError('UNKNOWN_REFERENCE', `Parent department ${input.parentId} does not exist`, { field: 'parentId' });
    }
    const [inserted] = await trx('departments')
      .insert({ code: input.code, name: input.name, parent_id: input.parentId ?? null, created_at: at })
      .returning('id')
      .catch((err: unknown) => {
        // A concurrent request took the code between the check above and this insert.
        if (isUniqueViolation(err)) throw duplicate();
        throw err;
      });
    const id = typeof inserted === 'object' ? inserted.id : inserted;
    await appendEvent(trx, { streamType: 'department', streamId: id, type: 'DEPARTMENT_CREATED', actor, at, payload: { ...input } }, null);
    return toView(await trx('departments').where({ id }).first());
  });
}

export async function listDepartments(db: Executor): Promise<DepartmentView[]> {
  return (await db('departments').orderBy('id')).map(toView);
}

/**
 * Renames a department (a reorganisation keeps its code, its staff and its procedures). Audited as
 * DEPARTMENT_RENAMED with the previous name, in the same transaction.
 * @throws NotFoundError for an unknown department.
 */
export async function renameDepartment(db: Db, actor: ActorRef, id: number, input: { name: string }, now: Date): Promise<DepartmentView> {
  const at = now.toISOString();
  return db.transaction(async (trx) => {
    const row = await trx('departments').where({ id }).first();
    if (!row) throw new NotFoundError('NOT_FOUND', `Department ${id} does not exist`);
    await trx('departments').where({ id }).update({ name: input.name });
    await appendEvent(trx, { streamType: 'department', streamId: id, type: 'DEPARTMENT_RENAMED', actor, at, payload: { name: input.name, previous: { name: row.name } } });
    return toView(await trx('departments').where({ id }).first());
  });
}
