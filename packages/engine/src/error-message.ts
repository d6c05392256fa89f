// The text of something caught: an Error's message, or the value itself as a string.

/** What a caught value says, for a reason or a log line. @example `profile store failed: ${errorMessage(error)}` */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
