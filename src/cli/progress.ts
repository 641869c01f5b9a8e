import cliProgress from 'cli-progress';
import type { Progress } from '../pipeline/report.js';

export interface ProgressReporter {
  update: (p: Progress) => void;
  stop: () => void;
}

const STAGE_LABEL: Record<Progress['stage'], string> = {
  read: 'reading',
  correlate: 'correlating',
  render: 'rendering',
};

function mib(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(1);
}

/**
 * A progress line on stderr when it is a TTY (and neither --quiet nor --json): files, MiB and
 * records read, with the rate. Totals are not known ahead of a streamed read, so there is no ETA
 * yet for the read stage.
 */
export function createProgressReporter(opts: { enabled: boolean }): ProgressReporter {
  if (!opts.enabled) return { update: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    {
      format: '{stage} | {files} files | {mib} MiB | {records} records | {rate} rec/s',
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
    update(p) {
      const seconds = Math.max((Date.now() - started) / 1000, 0.001);
      const payload = {
        stage: STAGE_LABEL[p.stage].padEnd(11),
        files: p.files,
        mib: mib(p.bytes),
        records: p.records,
        rate: Math.round(p.records / seconds),
      };
      if (!running) {
        bar.start(1, 0, payload);
        running = true;
      } else bar.update(0, payload);
    },
    stop() {
      if (running) bar.stop();
      running = false;
    },
  };
}
