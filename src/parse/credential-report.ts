import type { ParsedFile } from '../model/types.js';
import { csvParse } from '../util/lazy.js';
import { shortReason } from './values.js';

/** The first columns of `aws iam get-credential-report` CSV, in AWS's order. */
const HEADER_START = 'user,arn,user_creation_time,';

export function looksLikeCredentialReport(text: string): boolean {
  return text.startsWith(HEADER_START);
}

/**
 * Reads an IAM credential report (CSV). Rows keep AWS's column names and values ("N/A",
 * "no_information", ISO times); checks interpret them. Returns a reason when the file is unusable.
 */
export function readCredentialReport(out: ParsedFile, csv: string, generatedTime?: string): string | undefined {
  let rows: Record<string, string>[];
  try {
    rows = csvParse().parse(csv, { columns: true, skip_empty_lines: true, relax_column_count: true }) as Record<string, string>[];
  } catch (err) {
    return `invalid credential report CSV: ${shortReason((err as Error).message)}`;
  }
  out.input.kind = 'iam-credential-report';
  out.input.records = rows.length;
  const kept: Record<string, string>[] = [];
  const accounts = new Set<string>();
  rows.forEach((row, i) => {
    const account = /^arn:aws[\w-]*:iam::(\d{12}):/.exec(row.arn ?? '')?.[1];
    if (!row.user || !account) {
      out.rejected.push({ path: out.input.path, record: i, reason: 'credential report row has no user or no IAM ARN' });
      out.input.rejected++;
      return;
    }
    accounts.add(account);
    const clean: Record<string, string> = {};
    for (const k of Object.keys(row).sort()) clean[k] = String(row[k] ?? '');
    kept.push(clean);
  });
  if (accounts.size > 1) return `credential report mixes accounts (${[...accounts].sort().join(', ')})`;
  const accountId = [...accounts][0];
  if (!accountId) return 'credential report has no usable rows';
  out.credentialReport = { accountId, path: out.input.path, rows: kept, ...(generatedTime ? { generatedTime } : {}) };
  return undefined;
}
