import { TameError } from '@tame/core';

/** What went wrong, for callers that react to a kind of failure (the message says it for humans). */
export type DatasetErrorCode =
  | 'missing-file'
  | 'truncated'
  | 'bad-magic'
  | 'count-mismatch'
  | 'corrupt-file'
  | 'corrupt-image'
  | 'unknown-id'
  | 'invalid-id'
  | 'invalid-content';

/**
 * A dataset could not be opened or read: a missing, truncated or corrupt file, an unexpected format, an unknown
 * dataset id. `location` is the file (or the dataset id) at fault; the message says what is wrong and what is valid.
 * No dataset is returned after such an error: nothing partial is used silently.
 */
export class DatasetError extends TameError {
  constructor(
    readonly code: DatasetErrorCode,
    readonly location: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('DatasetError', `${location}: ${message}`, options);
  }
}
