import type cliProgressType from 'cli-progress';
import type { Progress } from '../pipeline/report.js';
import { lazy } from '../util/lazy.js';

const loadProgress = lazy<typeof cliProgressType>('cli-progress');

export interface ProgressReporter {
  /** Whether a bar is shown: when not, the pipeline is given no callback and skips the work it costs. */
  enabled: boolean;
  update: (p: Progress) => void;
  stop: () => void;
}

const STAGE_LABEL: Record<Progress['stage'], string> = {
  check: 'checking',
  read: 'reading',
  correlate: 'correlating',
  render: 'rendering',
};

function mib(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(1);
}

/**
 * A progress bar on stderr when it is a TTY (and neither --quiet nor --json): files, MiB and
 * records read, with the rate; once the local inputs' total size is known (counted beside the
 * read), the bar fills by bytes and shows an ETA. S3 inputs have no total: no ETA then.
 */
export function createProgressReporter(opts: { enabled: boolean }): ProgressReporter {
  if (!opts.enabled) return { enabled: false, update: () => {}, stop: () => {} };
  const cliProgress = loadProgress();
  const bar = new cliProgress.SingleBar(
    {
      format: '{stage} {bar} {pct} | ETA {left} | {files} files | {mib} MiB | {records} records | {rate} rec/s',
      hideCursor: true,
      clearOnComplete: true,
      stream: process.stderr,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  );
  const started = Date.now();
  let running = false;
  return {
    enabled: true,
    update(p) {
      const seconds = Math.max((Date.now() - started) / 1000, 0.001);
      const total = p.stage === 'read' ? (p.totalBytes ?? 0) : 0;
      const known = total > 0 && p.bytes > 0;
      // Reading (or checking a workspace) without a known total: the bar stays empty, no percentage.
      const open = p.stage === 'read' || p.stage === 'check';
      const payload = {
        pct: known ? `${Math.min(100, Math.floor((p.bytes / total) * 100))}%` : open ? '…' : '100%',
        left: known ? `${Math.max(0, Math.round((seconds * (total - p.bytes)) / p.bytes))}s` : '…',
        stage: STAGE_LABEL[p.stage].padEnd(11),
        files: p.files,
        mib: mib(p.bytes),
        records: p.records,
        rate: Math.round(p.records / seconds),
      };
      if (!running) {
        bar.start(Math.max(total, 1), 0, payload);
        running = true;
      }
      if (total > 0) {
        bar.setTotal(total);
        bar.update(Math.min(p.bytes, total), payload);
      } else bar.update(open ? 0 : bar.getTotal(), payload);
    },
    stop() {
      if (running) bar.stop();
      running = false;
    },
  };
}
