// Errors that cross the API boundary: a stable code, a message for people, and the input field
// the message is about. Results travel as ApiResult and become an ApiError again on the caller's side.
import type { ZodError } from 'zod';

export const ERROR_CODES = [
  'INVALID_INPUT',
  'UNKNOWN_OPERATION',
  'NOT_FOUND',
  'CONFLICT',
  'REFUSED',
  'UNAUTHORIZED',
  'READ_ONLY',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ApiErrorData {
  code: ErrorCode;
  message: string;
  /** Dotted path of the input field the error is about, e.g. `document.eccServers.0.port`. */
  field?: string;
}

export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ApiErrorData };

export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly field: string | undefined;

  constructor(code: ErrorCode, message: string, field?: string) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.field = field;
  }

  toJSON(): ApiErrorData {
    return this.field === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, field: this.field };
  }

  static from(data: ApiErrorData): ApiError {
    return new ApiError(data.code, data.message, data.field);
  }
}

/** HTTP status for each code, used by the HTTP transport. */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  INVALID_INPUT: 400,
  UNKNOWN_OPERATION: 404,
  NOT_FOUND: 404,
  CONFLICT: 409,
  REFUSED: 409,
  UNAUTHORIZED: 401,
  READ_ONLY: 403,
  INTERNAL: 500,
};

export function fieldPath(path: readonly PropertyKey[]): string | undefined {
  return path.length === 0 ? undefined : path.map(String).join('.');
}

/** The first problem of a failed validation, with the field it concerns. */
export function fromZodError(error: ZodError): ApiError {
  const issue = error.issues[0];
  if (!issue) return new ApiError('INVALID_INPUT', 'Invalid input');
  // A key that is not a field here is named itself, not the object holding it.
  const field = fieldPath(issue.code === 'unrecognized_keys' && issue.keys[0] !== undefined ? [...issue.path, issue.keys[0]] : issue.path);
  const message = field === undefined ? issue.message : `${field}: ${issue.message}`;
  return new ApiError('INVALID_INPUT', message, field);
}
