import { pino, type Logger } from 'pino';

/**
 * JSON logs (pino). Credentials never reach a log line: the redaction list covers the places they travel,
 * and request lines carry the path without its query string.
 */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'idesk' },
    redact: {
      paths: ['password', 'currentPassword', 'newPassword', 'token', 'trackingSecret', '*.password', '*.token', 'req.headers.authorization', 'req.headers.cookie'],
      censor: '[redacted]',
    },
  });
}
