/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): self and inclusive time by function, and self
 * time by file / package. Usable on its own: `npx tsx bench/transitions/profile.ts <file.cpuprofile>`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const IDLE = new Set(['(idle)', '(root)']);

function shortUrl(url: string): string {
  if (!url) return '(native)';
  let file = url.startsWith('file://') ? fileURLToPath(url) : url;
  if (file.startsWith(ROOT)) file = path.relative(ROOT, file);
  return file;
}

/** The package (node_modules/<pkg>) or the project file a frame belongs to. */
function moduleOf(url: string): string {
  const file = shortUrl(url);
  const nm = file.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = file.slice(nm + 'node_modules/'.length).split('/');
    return `node_modules/${rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]}`;
  }
  if (file.startsWith('node:')) return 'node: (core)';
  return file;
}

function keyOf(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const name = functionName || '(anonymous)';
  // tsx-compiled project files report every function at line 0: the file alone is then more honest.
  if (!url) return name;
  return lineNumber > 0 ? `${name}  ${shortUrl(url)}:${lineNumber + 1}` : `${name}  ${shortUrl(url)}`;
}

export interface ProfileSummary {
  totalMs: number;
  busyMs: number;
  idleMs: number;
  gcMs: number;
  selfByFunction: Array<[string, number]>;
  inclusiveByFunction: Array<[string, number]>;
  selfByModule: Array<[string, number]>;
}

export function summariseProfile(file: string, top = 25): ProfileSummary {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const modules = new Map<string, number>();
  let totalMs = 0;
  let idleMs = 0;
  let gcMs = 0;
  const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    totalMs += ms;
    const node = byId.get(id) as ProfileNode;
    const name = node.callFrame.functionName;
    if (IDLE.has(name)) {
      idleMs += ms;
      return;
    }
    if (name === '(garbage collector)') gcMs += ms;
    add(self, keyOf(node), ms);
    add(modules, name.startsWith('(') ? name : moduleOf(node.callFrame.url), ms);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const n = byId.get(cur) as ProfileNode;
      if (IDLE.has(n.callFrame.functionName)) continue;
      const k = keyOf(n);
      if (!seen.has(k)) {
        seen.add(k);
        add(inclusive, k, ms);
      }
    }
  });
  const sorted = (m: Map<string, number>) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  return {
    totalMs,
    busyMs: totalMs - idleMs,
    idleMs,
    gcMs,
    selfByFunction: sorted(self),
    inclusiveByFunction: sorted(inclusive),
    selfByModule: sorted(modules),
  };
}

export function formatSummary(s: ProfileSummary): string {
  const pct = (ms: number) => `${((ms / s.busyMs) * 100).toFixed(1).padStart(5)}%`;
  const lines = [
    `profiled ${(s.totalMs / 1000).toFixed(1)} s: busy ${(s.busyMs / 1000).toFixed(1)} s, idle ${(s.idleMs / 1000).toFixed(1)} s, GC ${pct(s.gcMs)} of busy`,
    '',
    'self time by file / package (% of busy time):',
    ...s.selfByModule.map(([k, ms]) => `  ${pct(ms)}  ${k}`),
    '',
    'self time by function:',
    ...s.selfByFunction.map(([k, ms]) => `  ${pct(ms)}  ${k}`),
    '',
    'inclusive time by function:',
    ...s.inclusiveByFunction.map(([k, ms]) => `  ${pct(ms)}  ${k}`),
  ];
  return lines.join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: tsx bench/transitions/profile.ts <file.cpuprofile> [top]\n');
    process.exit(2);
  }
  process.stdout.write(`${formatSummary(summariseProfile(file, Number(process.argv[3] ?? 40)))}\n`);
}
