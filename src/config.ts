import path from 'node:path';
import { parseOfficeHours, type OfficePeriod } from './calendar/working-calendar.ts';

/** The service's configuration, read once from the environment. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** `sqlite` (a file under dataDir) unless DATABASE_URL is a postgres:// URL. */
  database: { client: 'sqlite'; filename: string } | { client: 'pg'; url: string };
  redisUrl: string;
  /** Electronic identifier of the agency (QĐ 20/2020/QĐ-TTg), first part of every dossier code. */
  agencyId: string;
  /** IDESK_AGENCY_ID was not set: dossier codes carry a placeholder identifier (start-up warns). */
  agencyIdIsPlaceholder: boolean;
  /**
   * The Sở's name as printed on forms (IDESK_AGENCY_NAME), with its province: the first line of the header
   * of a form the Sở issues ("SỞ CÔNG THƯƠNG TỈNH GIA LAI" over the unit that issues it).
   */
  agencyName: string;
  /**
   * The Sở's abbreviation in the symbols of the documents it issues (IDESK_AGENCY_ABBREVIATION, default
   * `SCT`): `80/QĐ-SCT`, `123/SCT-QLTM` (Decree 30/2020/NĐ-CP Phụ lục I; set by the head of the body).
   */
  agencyAbbreviation: string;
  /** The province, printed on forms (IDESK_PROVINCE); null until configured (start-up warns). */
  province: string | null;
  /**
   * The unit that receives dossiers and returns results for the Sở: since 1 July 2025 the province's
   * Public Administration Service Centre (Decree 118/2025/NĐ-CP; DOMAIN §1.1).
   */
  serviceCentreName: string;
  /**
   * The body the Centre belongs to (IDESK_GOVERNING_BODY_NAME, default "Ủy ban nhân dân tỉnh <IDESK_PROVINCE>"):
   * the first line of the header of a form the Centre issues, above the Centre's name (Decree 30/2020/NĐ-CP,
   * Appendix I: the governing body over the issuing unit).
   */
  governingBodyName: string;
  /**
   * The address citizens reach the portal at (IDESK_PUBLIC_URL, an origin like https://dichvucong.example.gov.vn):
   * the receipt's QR code links there. Null: the receipt prints no link and no QR code (start-up warns):
   * the request's Host header is the client's to choose, never a source for a printed address.
   */
  publicUrl: string | null;
  /**
   * Two digits identifying a nationally centralised system that issues dossier codes (Circular 04/2025/TT-VPCP),
   * placed before the day's sequence; empty (the default) for a provincial system.
   */
  systemCode: string;
  officeHours: OfficePeriod[];
  /** Working days an applicant has to supplement before the dossier is stopped. */
  supplementWaitDays: number;
  bodyLimitBytes: number;
  sessionTtlHours: number;
  login: { maxFailures: number; lockMinutes: number; perIpPerMinute: number };
  /** Online submissions accepted per address and minute (the public form must not be floodable). */
  publicSubmitPerIpPerMinute: number;
  /** ... and per address and day (a day cap: a flood spread over the minutes still ends). */
  publicSubmitPerIpPerDay: number;
  /** Wrong tracking secrets accepted per address, dossier code and minute; right ones never count. */
  publicWrongSecretsPerMinute: number;
  /**
   * Threads that answer the dossier lists on the embedded default, each with its own read-only SQLite
   * connection (IDESK_READ_THREADS): better-sqlite3 is synchronous, so lists read on the main thread would
   * make every transition wait behind them. 0 reads on the main thread (PostgreSQL, tests).
   */
  readThreads: number;
  /** scrypt cost; lowered only by tests. */
  scryptCost: number;
  adminPassword: string | undefined;
  logLevel: string;
  /** Validate every response against its schema (on in tests and development). */
  validateResponses: boolean;
  /** Mark session cookies Secure and send Strict-Transport-Security: the deployment is HTTPS-only. */
  secureCookies: boolean;
  /** Behind a reverse proxy (TRUST_PROXY=1): client addresses from X-Forwarded-For, HTTPS from X-Forwarded-Proto. */
  trustProxy: boolean;
  /** Origins (scheme://host[:port]) whose pages may call `/api/public/*` from a browser (CORS); none when empty. */
  corsOrigins: readonly string[];
  /** BullMQ key prefix: several deployments (or test runs) can share one Redis. */
  queuePrefix: string;
  /** Jobs a worker process runs at once per queue. */
  workerConcurrency: number;
  /** How often the sweep looks for overdue records in the database itself. */
  sweepEveryMinutes: number;
  /** How long before a due instant the reminder fires, in working days (at most half the step). */
  reminderWorkingDays: number;
  /** Where files (the cabinet) are stored, and where backups go. */
  filesDir: string;
  /**
   * Uploads (papers of a dossier): the largest file accepted, and how many files and text fields one
   * request may carry (a bounded request cannot be turned into a flood of parts).
   */
  upload: { maxBytes: number; maxFiles: number; maxFields: number };
  backup: { dir: string; everyDays: number; retention: number };
  /** SMTP for e-mailing notifications; none when empty. */
  smtp: { url: string; from: string } | null;
  /**
   * The SMS gateway applicants are texted through (SMS_GATEWAY_URL, _TOKEN, SMS_SENDER, SMS_GATEWAY_TIMEOUT_MS):
   * the provider's HTTP endpoint, the token it issued (sent as `Authorization: Bearer`), the brandname
   * registered with it; none when the URL is empty.
   */
  sms: { url: string; token: string | null; sender: string; timeoutMs: number } | null;
  /** How long a process waits for work in flight when asked to stop. */
  shutdownGraceMs: number;
}

export class ConfigError extends Error {}

const AGENCY_ID = /^[A-Y][0-9]{2}(\.[0-9A-Z]+)*$/;
/** The default agency identifier: shaped like one, belonging to nobody in particular. */
export const PLACEHOLDER_AGENCY_ID = 'H37.26';

function intVar(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new ConfigError(`${name} must be an integer ≥ ${min}, got "${raw}"`);
  return value;
}

/** One read thread by default on a SQLite file outside tests; at most 8; none on PostgreSQL (its reads do not block). */
function readThreadsVar(env: NodeJS.ProcessEnv, database: Config['database'], nodeEnv: string): number {
  const fallback = database.client === 'sqlite' && database.filename !== ':memory:' && nodeEnv !== 'test' ? 1 : 0;
  const value = intVar(env, 'IDESK_READ_THREADS', fallback);
  if (value > 8) throw new ConfigError(`IDESK_READ_THREADS must be at most 8, got "${env.IDESK_READ_THREADS}"`);
  if (value > 0 && database.client !== 'sqlite') throw new ConfigError('IDESK_READ_THREADS is for the embedded SQLite database; PostgreSQL reads do not block the server');
  return value;
}

function numberVar(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new ConfigError(`${name} must be a positive number, got "${raw}"`);
  return value;
}

function originsVar(env: NodeJS.ProcessEnv, name: string): string[] {
  const origins = (env[name] ?? '').split(',').map((o) => o.trim()).filter((o) => o !== '');
  for (const origin of origins) {
    // An origin exactly as browsers send it: no path, no trailing slash, no wildcard.
    if (!/^https?:\/\/[A-Za-z0-9.-]+(:[0-9]{1,5})?$/.test(origin)) throw new ConfigError(`${name}: "${origin}" is not an origin like https://dichvucong.example.gov.vn`);
  }
  return origins;
}

function publicUrlOf(raw: string | undefined): string | null {
  if (!raw) return null;
  const origin = raw.replace(/\/+$/, '');
  if (!/^https?:\/\/[A-Za-z0-9.-]+(:[0-9]{1,5})?$/.test(origin)) throw new ConfigError(`IDESK_PUBLIC_URL: "${raw}" is not an origin like https://dichvucong.example.gov.vn`);
  return origin;
}

function smsVar(env: NodeJS.ProcessEnv): Config['sms'] {
  const url = env.SMS_GATEWAY_URL || '';
  if (!url) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`SMS_GATEWAY_URL: "${url}" is not a URL`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new ConfigError('SMS_GATEWAY_URL must be an https:// (or http://) URL');
  // The brandname (tên định danh) the provider registered for the agency: up to 11 letters, digits, . - _ or spaces.
  const sender = env.SMS_SENDER || '';
  if (!/^[A-Za-z0-9 ._-]{1,11}$/.test(sender)) throw new ConfigError('SMS_SENDER must be the brandname registered with the SMS provider (1–11 letters, digits, space . - _) when SMS_GATEWAY_URL is set');
  return { url, token: env.SMS_GATEWAY_TOKEN || null, sender, timeoutMs: intVar(env, 'SMS_GATEWAY_TIMEOUT_MS', 10_000, 100) };
}

/**
 * Parses the environment into a frozen config.
 * @throws ConfigError naming the variable that is wrong.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  const dataDir = path.resolve(env.DATA_DIR || './data');
  const databaseUrl = env.DATABASE_URL || '';
  let database: Config['database'];
  if (databaseUrl === '') database = { client: 'sqlite', filename: path.join(dataDir, 'idesk.sqlite') };
  else if (/^postgres(ql)?:\/\//.test(databaseUrl)) database = { client: 'pg', url: databaseUrl };
  else if (databaseUrl.startsWith('sqlite:')) database = { client: 'sqlite', filename: path.resolve(databaseUrl.slice('sqlite:'.length)) };
  else throw new ConfigError('DATABASE_URL must be a postgres:// URL (or sqlite:<file>)');

  // A placeholder, not any real agency's identifier: start-up says so until IDESK_AGENCY_ID is set.
  const agencyId = env.IDESK_AGENCY_ID || PLACEHOLDER_AGENCY_ID;
  if (agencyId.length > 35 || !AGENCY_ID.test(agencyId)) {
    throw new ConfigError(`IDESK_AGENCY_ID "${agencyId}" is not an electronic identifier (QĐ 20/2020/QĐ-TTg), e.g. H37.26`);
  }
  // Circular 04/2025/TT-VPCP's two-digit system code is for nationally centralised solutions; a
  // provincial system issues `<agency>-<YYMMDD>-<sequence>` without it unless one is configured.
  const systemCode = env.IDESK_SYSTEM_CODE ?? '';
  if (!/^([0-9]{2})?$/.test(systemCode)) throw new ConfigError('IDESK_SYSTEM_CODE must be two digits, or empty');

  let officeHours: OfficePeriod[];
  try {
    officeHours = parseOfficeHours(env.OFFICE_HOURS || '07:30-11:30,13:30-17:30');
  } catch (err) {
    throw new ConfigError(`OFFICE_HOURS: ${(err as Error).message}`);
  }
  const agencyAbbreviation = env.IDESK_AGENCY_ABBREVIATION || 'SCT';
  // Letters (Vietnamese ones too: `Đ`) and digits, as a symbol writes them, joined by '-' to the rest.
  if (!/^[\p{Lu}\p{Ll}0-9]{1,20}$/u.test(agencyAbbreviation)) throw new ConfigError('IDESK_AGENCY_ABBREVIATION must be 1–20 letters or digits, e.g. SCT');
  const nodeEnv = env.NODE_ENV || 'development';
  const queuePrefix = env.QUEUE_PREFIX || 'idesk';
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(queuePrefix)) throw new ConfigError('QUEUE_PREFIX must be 1–40 letters, digits, _ or -');
  const smtpUrl = env.SMTP_URL || '';
  if (smtpUrl && !/^smtps?:\/\//.test(smtpUrl)) throw new ConfigError('SMTP_URL must be an smtp:// or smtps:// URL');
  const sms = smsVar(env);
  return Object.freeze({
    port: intVar(env, 'PORT', 3000),
    host: env.HOST || '0.0.0.0',
    dataDir,
    database,
    redisUrl: env.REDIS_URL || 'redis://127.0.0.1:6379',
    agencyId,
    agencyIdIsPlaceholder: agencyId === PLACEHOLDER_AGENCY_ID,
    // The header names the Sở with its province ("Sở Công Thương tỉnh Gia Lai") when only the province is set.
    agencyName: env.IDESK_AGENCY_NAME || (env.IDESK_PROVINCE ? `Sở Công Thương tỉnh ${env.IDESK_PROVINCE}` : 'Sở Công Thương'),
    agencyAbbreviation,
    province: env.IDESK_PROVINCE || null,
    // The Centre as the header writes it under its governing body (the province is on the line above).
    serviceCentreName: env.IDESK_SERVICE_CENTRE_NAME || 'Trung tâm Phục vụ hành chính công',
    governingBodyName: env.IDESK_GOVERNING_BODY_NAME || `Ủy ban nhân dân tỉnh${env.IDESK_PROVINCE ? ` ${env.IDESK_PROVINCE}` : ''}`,
    publicUrl: publicUrlOf(env.IDESK_PUBLIC_URL),
    systemCode,
    officeHours,
    supplementWaitDays: intVar(env, 'SUPPLEMENT_WAIT_DAYS', 15, 1),
    bodyLimitBytes: intVar(env, 'BODY_LIMIT_BYTES', 256 * 1024, 1024),
    sessionTtlHours: intVar(env, 'SESSION_TTL_HOURS', 12, 1),
    login: {
      maxFailures: intVar(env, 'LOGIN_MAX_FAILURES', 5, 1),
      lockMinutes: intVar(env, 'LOGIN_LOCK_MINUTES', 15, 1),
      perIpPerMinute: intVar(env, 'LOGIN_PER_IP_PER_MINUTE', 30, 1),
    },
    publicSubmitPerIpPerMinute: intVar(env, 'PUBLIC_SUBMIT_PER_IP_PER_MINUTE', 30, 1),
    publicSubmitPerIpPerDay: intVar(env, 'PUBLIC_SUBMIT_PER_IP_PER_DAY', 300, 1),
    publicWrongSecretsPerMinute: intVar(env, 'PUBLIC_WRONG_SECRETS_PER_MINUTE', 10, 1),
    readThreads: readThreadsVar(env, database, nodeEnv),
    scryptCost: intVar(env, 'SCRYPT_COST', 2 ** 15, 2 ** 10),
    adminPassword: env.IDESK_ADMIN_PASSWORD || undefined,
    logLevel: env.LOG_LEVEL || (nodeEnv === 'test' ? 'silent' : 'info'),
    validateResponses: env.VALIDATE_RESPONSES ? env.VALIDATE_RESPONSES === '1' : nodeEnv !== 'production',
    secureCookies: env.SECURE_COOKIES === '1',
    trustProxy: env.TRUST_PROXY === '1',
    corsOrigins: Object.freeze(originsVar(env, 'CORS_ORIGINS')),
    queuePrefix,
    workerConcurrency: intVar(env, 'WORKER_CONCURRENCY', 5, 1),
    sweepEveryMinutes: intVar(env, 'SWEEP_EVERY_MINUTES', 5, 1),
    reminderWorkingDays: numberVar(env, 'REMINDER_WORKING_DAYS', 1),
    filesDir: path.join(dataDir, 'files'),
    upload: {
      maxBytes: intVar(env, 'IDESK_UPLOAD_MAX_BYTES', 20 * 1024 * 1024, 1024),
      maxFiles: intVar(env, 'IDESK_UPLOAD_MAX_FILES', 10, 1),
      maxFields: intVar(env, 'IDESK_UPLOAD_MAX_FIELDS', 50, 1),
    },
    backup: {
      dir: path.resolve(env.BACKUP_DIR || path.join(dataDir, 'backups')),
      // Điều 5.3: the data are backed up every two weeks.
      everyDays: intVar(env, 'BACKUP_EVERY_DAYS', 14, 1),
      retention: intVar(env, 'BACKUP_RETENTION', 8, 1),
    },
    smtp: smtpUrl ? { url: smtpUrl, from: env.MAIL_FROM || 'idesk <no-reply@localhost>' } : null,
    sms,
    shutdownGraceMs: intVar(env, 'SHUTDOWN_GRACE_MS', 10_000, 0),
  });
}

/**
 * What start-up says about settings that still hold a placeholder: forms and dossier codes would carry
 * them to citizens.
 */
export function configWarnings(config: Readonly<Config>): string[] {
  const warnings: string[] = [];
  if (config.agencyIdIsPlaceholder) {
    warnings.push(`IDESK_AGENCY_ID is not set: dossier codes use the placeholder identifier ${config.agencyId}; set the agency's electronic identifier (QĐ 20/2020/QĐ-TTg)`);
  }
  if (config.province === null) warnings.push('IDESK_PROVINCE is not set: forms print no province; set it (and IDESK_AGENCY_NAME, IDESK_SERVICE_CENTRE_NAME)');
  if (config.publicUrl === null) {
    warnings.push("IDESK_PUBLIC_URL is not set: receipts print no tracking link and no QR code (never one built from the request's Host header); set it to the portal's HTTPS address");
  }
  return warnings;
}
