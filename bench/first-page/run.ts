/**
 * The first page after start against the later ones (issue 14 §5): the service started as the README
 * says (`npm start`, its own DATA_DIR and a fresh SQLite file), then, in a fresh process each round: the
 * login page, an API login, the dossier page opened ten times and the dossier list, each timed from the
 * client (send to last byte, one keep-alive connection). The data is made once before the rounds
 * (`seed-demo`, one online submission) in a service process of its own, so that nothing the rounds time
 * has been loaded by an earlier request of the same process.
 *
 *   npx tsx bench/first-page/run.ts [--rounds=3] [--tree=/path/to/checkout]
 *
 * Needs a Redis at REDIS_URL (or redis-server on the PATH: `npm start` starts a private one).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const option = (name: string, fallback: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const rounds = Number(option('rounds', '3'));
const tree = path.resolve(option('tree', path.resolve(here, '../..')));
const DEMO_PASSWORD = 'Bench2026demo';
const ADMIN_PASSWORD = 'Bench2026root';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

/** One request, timed from the client: send to last byte. */
function request(port: number, method: string, url: string, options: { body?: unknown; headers?: Record<string, string> } = {}): Promise<{ status: number; ms: number; body: string }> {
  return new Promise((resolve, reject) => {
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    const started = process.hrtime.bigint();
    const req = http.request(
      { host: '127.0.0.1', port, method, path: url, agent, headers: { accept: 'text/html,application/json', ...(payload ? { 'content-type': 'application/json' } : {}), ...options.headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: Number(process.hrtime.bigint() - started) / 1e6, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

function expectStatus(r: { status: number; body: string }, status: number, what: string) {
  if (r.status !== status) throw new Error(`${what}: ${r.status} ${r.body.slice(0, 300)}`);
}

interface Service {
  child: ChildProcess;
  port: number;
  /** From spawn to "idesk on http://…" on its output. */
  startMs: number;
}

/** `npm start` in `tree`, as the README says, until it says it listens. */
async function start(env: Record<string, string>): Promise<Service> {
  const port = await freePort();
  const started = Date.now();
  const child = spawn('npm', ['start', '--silent'], { cwd: tree, env: { ...process.env, ...env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start within 120 s:\n${output}`)), 120_000);
    const seen = (chunk: Buffer) => {
      output += chunk.toString();
      if (/idesk on http:\/\//.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', seen);
    child.stderr!.on('data', seen);
    child.once('exit', (code) => reject(new Error(`npm start exited ${code}:\n${output}`)));
  });
  return { child, port, startMs: Date.now() - started };
}

async function stop(service: Service): Promise<void> {
  agent.destroy();
  const exited = new Promise((resolve) => service.child.once('exit', resolve));
  process.kill(-(service.child.pid as number), 'SIGTERM');
  await exited;
}

async function apiLogin(port: number, username: string, password: string): Promise<{ token: string; ms: number }> {
  const r = await request(port, 'POST', '/api/auth/login', { body: { username, password } });
  expectStatus(r, 200, `login ${username}`);
  return { token: (JSON.parse(r.body) as { token: string }).token, ms: r.ms };
}

function idesk(env: Record<string, string>, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/idesk.ts', ...args], { cwd: tree, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`idesk ${args.join(' ')} exited ${code}`))));
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const ms = (x: number) => `${x.toFixed(0)} ms`;

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'idesk-bench-first-'));
  const env = {
    DATA_DIR: dataDir,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    QUEUE_PREFIX: `bench-first-${process.pid}`,
    IDESK_ADMIN_PASSWORD: ADMIN_PASSWORD,
    IDESK_DEMO_PASSWORD: DEMO_PASSWORD,
    IDESK_PROVINCE: 'Bình Định',
    IDESK_AGENCY_ID: 'H37.26',
    IDESK_PUBLIC_URL: 'http://localhost',
  };
  try {
    // The data, in a process of its own.
    await idesk(env, ['seed-demo']);
    const prep = await start(env);
    const procedures = await request(prep.port, 'GET', '/api/public/procedures');
    expectStatus(procedures, 200, 'procedures');
    const procedureId = (JSON.parse(procedures.body) as { items: Array<{ id: number }> }).items[0]!.id;
    const submitted = await request(prep.port, 'POST', '/api/public/dossiers', { body: { procedureId, applicant: { name: 'Công ty TNHH Đo Thời Gian' } }, headers: { 'idempotency-key': `bench-${process.pid}` } });
    expectStatus(submitted, 201, 'submission');
    const dossierId = (JSON.parse(submitted.body) as { id: number }).id;
    await stop(prep);

    const rows: Array<Record<string, number>> = [];
    for (let round = 1; round <= rounds; round++) {
      const service = await start(env);
      const { port } = service;
      const loginPage = await request(port, 'GET', '/login');
      expectStatus(loginPage, 200, 'login page');
      const firstLogin = await apiLogin(port, 'motcua', DEMO_PASSWORD);
      const cookie = { cookie: `idesk_session=${firstLogin.token}` };
      const pages: number[] = [];
      for (let i = 0; i < 10; i++) {
        const r = await request(port, 'GET', `/dossiers/${dossierId}`, { headers: cookie });
        expectStatus(r, 200, 'dossier page');
        pages.push(r.ms);
      }
      const list = await request(port, 'GET', '/dossiers', { headers: cookie });
      expectStatus(list, 200, 'dossier list');
      const laterLogins: number[] = [];
      for (let i = 0; i < 5; i++) laterLogins.push((await apiLogin(port, 'motcua', DEMO_PASSWORD)).ms);
      const loginPage10 = await request(port, 'GET', '/login');
      rows.push({
        round,
        startMs: service.startMs,
        loginPageFirst: loginPage.ms,
        loginPageLater: loginPage10.ms,
        loginFirst: firstLogin.ms,
        loginLater: median(laterLogins),
        dossierFirst: pages[0] as number,
        dossierTenth: pages[9] as number,
        listFirst: list.ms,
      });
      await stop(service);
    }
    console.log(`tree: ${tree}; ${os.cpus().length} cores; node ${process.version}`);
    console.log('round | start → listening | login page 1st / later | API login 1st / later (median of 5) | dossier page 1st / 10th (ratio) | list 1st');
    for (const r of rows) {
      console.log(
        `${r.round} | ${ms(r.startMs!)} | ${ms(r.loginPageFirst!)} / ${ms(r.loginPageLater!)} | ${ms(r.loginFirst!)} / ${ms(r.loginLater!)} | ${ms(r.dossierFirst!)} / ${ms(r.dossierTenth!)} (${(r.dossierFirst! / r.dossierTenth!).toFixed(1)}×) | ${ms(r.listFirst!)}`,
      );
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
