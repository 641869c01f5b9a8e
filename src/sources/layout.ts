/**
 * CloudTrail delivers its log files and their digests as two trees of the same shape under an
 * account (`CloudTrail/<region>/YYYY/MM/DD/` and `CloudTrail-Digest/<region>/YYYY/MM/DD/`). The
 * sources stage reads them side by side, each day's digests right after that day's log files, so
 * that the integrity check (store/integrity.ts), which holds a log file until its digest entry comes
 * and a digest entry until its log file does, holds about a day of them at a time, not an account's
 * whole period. In key order, every digest of an account would come before all its log files.
 */
export const TRAIL_TWINS = ['CloudTrail', 'CloudTrail-Digest'] as const;
