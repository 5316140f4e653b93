/**
 * The closed set of errors the domain raises. Each carries a stable `code` that API clients may
 * branch on and an HTTP status; one middleware turns them into `{ error: { code, message, details } }`.
 * Anything else is a bug: logged with the request id and answered as a generic 500.
 */
export abstract class DomainError extends Error {
  abstract readonly status: number;
  readonly code: string;
  readonly details: unknown;

  constructor(code: string, message: string, details?: unknown) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.details = details ?? null;
  }
}

/** 400: the request is malformed or fails its schema. */
export class ValidationError extends DomainError {
  readonly status = 400;
}

/** 401: no valid credentials. */
export class AuthenticationError extends DomainError {
  readonly status = 401;
}

/** 403: authenticated, but not allowed to do this. */
export class ForbiddenError extends DomainError {
  readonly status = 403;
}

/** 404: no such record (or not visible to the caller). */
export class NotFoundError extends DomainError {
  readonly status = 404;
}

/** 409: stale version, duplicate, or a conflicting concurrent change. */
export class ConflictError extends DomainError {
  readonly status = 409;
}

/** 413: the body is larger than the configured limit. */
export class PayloadTooLargeError extends DomainError {
  readonly status = 413;
}

/** 415: the body is not JSON. */
export class UnsupportedMediaTypeError extends DomainError {
  readonly status = 415;
}

/** 422: the event is not allowed in the record's current state. */
export class InvalidTransitionError extends DomainError {
  readonly status = 422;
  constructor(message: string, details: { state: string; event: string; allowedEvents: string[] }) {
    super('INVALID_TRANSITION', message, details);
  }
}

/**
 * 422: the event fits the state, but its content breaks a rule of the flow (an apology's new appointment
 * not after the current one…); the code names the rule.
 */
export class RuleViolationError extends DomainError {
  readonly status = 422;
}

/** 422: content that must not enter the system (Điều 4.2: state secrets, complaints and denunciations). */
export class RefusedContentError extends DomainError {
  readonly status = 422;
}

/** 429: too many attempts; try again later. */
export class TooManyRequestsError extends DomainError {
  readonly status = 429;
}
