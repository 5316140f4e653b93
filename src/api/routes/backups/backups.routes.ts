import { Type } from '@sinclair/typebox';
import { listBackups, requestBackup } from '../../../infrastructure/backups/backup.service.ts';
import { defineRoute } from '../../route.ts';
import { Id, Instant, Nullable, Page, PageSize } from '../../schemas/common.ts';

const Backup = Type.Object(
  {
    id: Id,
    kind: Type.Union([Type.Literal('scheduled'), Type.Literal('manual'), Type.Literal('cli')]),
    status: Type.Union([Type.Literal('queued'), Type.Literal('running'), Type.Literal('succeeded'), Type.Literal('failed'), Type.Literal('pruned')]),
    requestedBy: Nullable(Id),
    databaseClient: Type.String({ description: 'sqlite or pg' }),
    name: Nullable(Type.String({ description: 'Folder under the backup directory; what `npm run idesk -- restore <name>` takes' })),
    sizeBytes: Nullable(Type.Integer({ minimum: 0 })),
    sha256: Nullable(Type.String({ pattern: '^[0-9a-f]{64}$', description: 'sha256 of manifest.json, which lists the sha256 of every file' })),
    verified: Nullable(Type.Boolean()),
    verification: Nullable(Type.String({ description: 'What the verification checked and found' })),
    error: Nullable(Type.String()),
    createdAt: Instant,
    startedAt: Nullable(Instant),
    finishedAt: Nullable(Instant),
  },
  { additionalProperties: false, title: 'Backup' },
);

export const backupRoutes = [
  defineRoute({
    method: 'post',
    path: '/api/admin/backups',
    tag: 'operations',
    summary: 'Start a backup now (admin)',
    description: 'Điều 5.3. The backup is queued and made by the maintenance worker; follow it with GET /api/admin/backups.',
    auth: ['admin'],
    response: { status: 202, schema: Backup, description: 'The queued backup' },
    errors: [401, 403],
    handler: ({ principal, deps }) => requestBackup(deps.db, deps.config, { kind: 'user', id: principal.userId }, deps.clock()),
  }),
  defineRoute({
    method: 'get',
    path: '/api/admin/backups',
    tag: 'operations',
    summary: 'Backups, newest first, with status, size, checksum and verification result (admin)',
    auth: ['admin'],
    query: Type.Object(
      { page: Page, pageSize: PageSize },
      { additionalProperties: false },
    ),
    response: {
      status: 200,
      schema: Type.Object({ items: Type.Array(Backup), total: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer() }, { additionalProperties: false }),
      description: 'A page of backups',
    },
    errors: [400, 401, 403],
    handler: ({ query, deps }) => listBackups(deps.db, { page: query.page, pageSize: query.pageSize }),
  }),
];
