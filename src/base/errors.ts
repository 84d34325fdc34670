/**
 * One error hierarchy, mapped once by the HTTP error handler (api.md "Errors"). Code throws a
 * typed error with a stable code; the handler adds the request id and hides any internals.
 */
import type { Violation } from '../../machines/challenge/types.js';

export type ErrorCode =
  | 'VALIDATION_FAILED'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'VERSION_CONFLICT'
  | 'RULE_VIOLATION'
  | 'EVENT_NOT_ALLOWED'
  | 'IDEMPOTENCY_MISMATCH'
  | 'PAYLOAD_TOO_LARGE'
  | 'REQUEST_TIMEOUT'
  | 'RATE_LIMITED'
  | 'ALREADY_EXISTS'
  | 'ACCOUNT_LOCKED'
  | 'INTERNAL';

export const statusOf: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  VERSION_CONFLICT: 409,
  RULE_VIOLATION: 422,
  EVENT_NOT_ALLOWED: 422,
  IDEMPOTENCY_MISMATCH: 422,
  PAYLOAD_TOO_LARGE: 413,
  REQUEST_TIMEOUT: 408,
  RATE_LIMITED: 429,
  ALREADY_EXISTS: 409,
  ACCOUNT_LOCKED: 429,
  INTERNAL: 500,
};

export interface ErrorDetails {
  clause?: string;
  violations?: Violation[];
  allowedEvents?: string[];
  issues?: { path: string; message: string }[];
  currentVersion?: number;
  /** The scope (src/access/policy.ts) a 403 was refused under. */
  scope?: string;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly messageZh: string;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, message: string, messageZh: string, details: ErrorDetails = {}) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.messageZh = messageZh;
    this.details = details;
  }

  get status(): number {
    return statusOf[this.code];
  }
}

export const notFound = (what: string, id: string, whatZh: string) =>
  new AppError('NOT_FOUND', `No ${what} "${id}".`, `未找到${whatZh}“${id}”。`);

export const forbidden = (message: string, messageZh: string, details: ErrorDetails = {}) =>
  new AppError('FORBIDDEN', message, messageZh, details);

export const ruleViolation = (violations: Violation[]) => {
  const first = violations[0] as Violation;
  const clauses = [...new Set(violations.map((v) => v.clause))];
  const many = violations.length > 1;
  const message = many
    ? `${violations.length} problems (${clauses.join(', ')}). First: ${first.message}`
    : first.message;
  const messageZh = many
    ? `共 ${violations.length} 处问题（${clauses.join('、')}）。其一：${first.message_zh}`
    : first.message_zh;
  return new AppError('RULE_VIOLATION', message, messageZh, { clause: first.clause, violations });
};
