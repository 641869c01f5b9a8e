import type { DigestFile, InputRecord, IntegrityResult } from '../model/types.js';
import { cmp } from '../util/compare.js';

const AWSLOGS = 'AWSLogs/';

/** The S3 key of a delivered file from its display path (`…/AWSLogs/…` or `archive!AWSLogs/…`). */
export function deliveredKey(path: string): string | undefined {
  const at = path.lastIndexOf(AWSLOGS);
  return at < 0 ? undefined : path.slice(at);
}

/**
 * CloudTrail log file integrity, checked as files arrive: each digest lists the SHA-256 of the log
 * files delivered in its hour; a delivered log file whose hash differs was altered after delivery.
 * A log file and its digest entry meet whichever comes first; once matched, both are forgotten, so
 * only the unmatched ones are held: about a day's, as the sources stage reads each day's digests
 * right after that day's log files (sources/layout.ts). (Digest signatures need the trail's public
 * key, which an export does not hold; they are not verified.)
 */
export class IntegrityTracker {
  /** Log files read whose digest entry has not been seen: key → SHA-256. */
  private readonly logs = new Map<string, { sha256: string; path: string }>();
  /** Digest entries whose log file has not been read: key → expected SHA-256. */
  private readonly expected = new Map<string, string>();
  private readonly result: IntegrityResult = { verified: 0, mismatched: [], uncovered: 0, missing: 0 };

  addLog(input: InputRecord): void {
    const key = deliveredKey(input.path);
    if (!key) {
      this.result.uncovered++;
      return;
    }
    const want = this.expected.get(key);
    if (want === undefined) {
      this.logs.set(key, { sha256: input.sha256, path: input.path });
      return;
    }
    this.expected.delete(key);
    this.compare(input.path, want, input.sha256);
  }

  addDigest(digest: DigestFile): void {
    for (const f of digest.logFiles) {
      const key = deliveredKey(f.s3Object);
      if (!key) continue;
      const want = f.hashValue.toLowerCase();
      const log = this.logs.get(key);
      if (log === undefined) {
        this.expected.set(key, want);
        continue;
      }
      this.logs.delete(key);
      this.compare(log.path, want, log.sha256);
    }
  }

  private compare(path: string, expected: string, actual: string): void {
    if (expected === actual) this.result.verified++;
    else this.result.mismatched.push({ path, expected, actual });
  }

  finish(): IntegrityResult {
    return {
      verified: this.result.verified,
      mismatched: [...this.result.mismatched].sort((a, b) => cmp(a.path, b.path)),
      uncovered: this.result.uncovered + this.logs.size,
      missing: this.expected.size,
    };
  }
}
