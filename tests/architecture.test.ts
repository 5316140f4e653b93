import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Dependencies point one way (DESIGN §1, STYLE): machines ← src/domain ← src/api; machines import only
 * xstate; domain code knows nothing of Koa; nothing imports workers/ or tests/; no import cycles.
 */
const ROOT = path.resolve(import.meta.dirname, '..');

function sources(dir: string): string[] {
  const full = path.join(ROOT, dir);
  if (!fs.existsSync(full)) return [];
  return fs.readdirSync(full, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).map((f) => path.join(dir, f));
}

function importsOf(file: string): string[] {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/gms)].map((m) => m[1] as string);
}

function resolve(file: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  return path.normalize(path.join(path.dirname(file), spec));
}

const files = [...sources('machines'), ...sources('src'), ...sources('migrations'), ...sources('workers'), ...sources('bin')];

describe('architecture', () => {
  it('sees the imports it checks', () => {
    expect(importsOf('src/domain/dossiers/dossier-planning.ts')).toContain('../../../machines/dossier/index.ts');
    expect(files.length).toBeGreaterThan(40);
  });

  it('machines import nothing but xstate and each other', () => {
    for (const file of sources('machines')) {
      for (const spec of importsOf(file)) {
        const target = resolve(file, spec);
        if (target === null) expect(spec, file).toBe('xstate');
        else expect(target.startsWith('machines'), `${file} imports ${spec}`).toBe(true);
      }
    }
  });

  it('domain code knows nothing of Koa or the API', () => {
    for (const file of sources('src/domain')) {
      for (const spec of importsOf(file)) {
        expect(spec, file).not.toMatch(/^(koa|@koa\/)/);
        expect(resolve(file, spec) ?? '', `${file} imports ${spec}`).not.toMatch(/^src\/(api|web|cli)\//);
      }
    }
  });

  it('domain code spawns no processes and reaches no infrastructure: pg_dump, file copies and their like live in src/infrastructure', () => {
    expect(sources('src/infrastructure/backups').length).toBeGreaterThan(0);
    for (const file of sources('src/domain')) {
      for (const spec of importsOf(file)) {
        expect(spec, `${file} imports ${spec}`).not.toMatch(/^(node:)?child_process$/);
        expect(resolve(file, spec) ?? '', `${file} imports ${spec}`).not.toMatch(/^src\/infrastructure\//);
      }
    }
  });

  it('nothing in the product imports tests or workers; only the process entry points (bin/) import workers', () => {
    for (const file of [...sources('machines'), ...sources('src'), ...sources('migrations')]) {
      for (const spec of importsOf(file)) {
        expect(resolve(file, spec) ?? '', `${file} imports ${spec}`).not.toMatch(/^(tests|workers|bench|bin)\//);
      }
    }
    for (const file of sources('workers')) {
      for (const spec of importsOf(file)) expect(resolve(file, spec) ?? '', `${file} imports ${spec}`).not.toMatch(/^(tests|bench|bin|src\/api)\//);
    }
  });

  it('the workflow kit and the modules every record shares know no record type (comments aside)', () => {
    const generic = ['src/domain/workflow', 'src/domain/audit', 'src/domain/outbox', 'src/domain/idempotency'].flatMap(sources).concat('src/api/route.ts');
    expect(generic.length).toBeGreaterThan(10);
    for (const file of generic) {
      const code = fs
        .readFileSync(path.join(ROOT, file), 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/^\s*\/\/.*$/gm, '')
        .replace(/\s\/\/ .*$/gm, '');
      expect(code, file).not.toMatch(/dossier/i);
    }
  });

  it('pages reach the database only through the domain: no knex, no db module, no table read of their own', () => {
    const pages = fs
      .readdirSync(path.join(ROOT, 'src/web'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts') || f.endsWith('.tsx'))
      .map((f) => path.join('src/web', f));
    expect(pages.length).toBeGreaterThan(5);
    for (const file of pages) {
      for (const spec of importsOf(file)) {
        expect(spec, `${file} imports ${spec}`).not.toMatch(/^(knex|pg|better-sqlite3)$/);
        const target = resolve(file, spec) ?? '';
        // The backups' service is the use-case the API's backup routes call too (list, request); the rest
        // of infrastructure and the db module are not for pages.
        if (target === 'src/infrastructure/backups/backup.service.ts') continue;
        expect(target, `${file} imports ${spec}`).not.toMatch(/^src\/(db|infrastructure)\//);
      }
      // `deps.db` is handed to domain functions, never queried here.
      expect(fs.readFileSync(path.join(ROOT, file), 'utf8'), file).not.toMatch(/\bdb\(\s*'|\.db\(\s*'/);
    }
  });

  it('has no import cycles', () => {
    const graph = new Map(files.map((f) => [f, importsOf(f).map((s) => resolve(f, s)).filter((t): t is string => t !== null && files.includes(t))]));
    const state = new Map<string, 'visiting' | 'done'>();
    const cycles: string[] = [];
    const visit = (node: string, trail: string[]) => {
      if (state.get(node) === 'done') return;
      if (state.get(node) === 'visiting') {
        cycles.push([...trail.slice(trail.indexOf(node)), node].join(' → '));
        return;
      }
      state.set(node, 'visiting');
      for (const next of graph.get(node) ?? []) visit(next, [...trail, node]);
      state.set(node, 'done');
    };
    for (const file of files) visit(file, []);
    expect(cycles).toEqual([]);
  });
});
