// Turns results as they travel (`{ ok, value | error }`) back into values or thrown ApiErrors.
import { ApiError, ERROR_CODES, type ApiErrorData, type ApiResult } from '../../../shared/api/errors';

function isErrorData(value: unknown): value is ApiErrorData {
  if (typeof value !== 'object' || value === null) return false;
  const { code, message } = value as Record<string, unknown>;
  return typeof message === 'string' && typeof code === 'string' && (ERROR_CODES as readonly string[]).includes(code);
}

export function isApiResult(value: unknown): value is ApiResult<unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const result = value as Record<string, unknown>;
  return (result.ok === true && 'value' in result) || (result.ok === false && isErrorData(result.error));
}

/** The value of a successful result; throws the ApiError of a failed one. */
export function unwrap<T>(result: ApiResult<unknown>): T {
  if (result.ok) return result.value as T;
  throw ApiError.from(result.error);
}

/** Any failure as an Error with a message a person can read. */
export function toError(error: unknown): Error {
  if (error instanceof Error) return error;
  if (isErrorData(error)) return ApiError.from(error);
  return new Error(String(error));
}
