/** A mistake in how configtrail was called: exit code 2, one line, no stack trace. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A failure the user can act on (missing Chromium, unwritable output folder…): exit code 1, one line. */
export class ConfigtrailError extends Error {
  override name = 'ConfigtrailError';
}

/** One line from any thrown value, for logs and rejection reasons. */
export function oneLine(err: unknown, max = 300): string {
  const text = err instanceof Error ? err.message : String(err);
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
