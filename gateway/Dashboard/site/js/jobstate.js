// What the dashboard knows of a job's progress, from the job document or from an event of its stream
// (docs/events.md). The rules are the command line's (cli/Progress/JobSnapshot.cs, JobEventReading.cs).

export const FINAL = ['completed', 'failed', 'cancelled'];

export function isFinished(job) {
  return FINAL.includes(String(job?.status ?? '').toLowerCase());
}

export function counts(job) {
  const s = job?.deviceJobStatistics ?? {};
  const succeeded = s.succeededCount ?? 0;
  const failed = s.failedCount ?? 0;
  const running = s.runningCount ?? 0;
  const pending = s.pendingCount ?? 0;
  const total = Math.max(s.deviceCount ?? 0, succeeded + failed + running + pending);
  return { succeeded, failed, running, pending, total, finished: succeeded + failed };
}

/** { status, statistics, ended, needsRefresh } of one event; see cli/Progress/JobEventReading.cs. */
export function readEvent(event) {
  let data = null;
  try {
    data = JSON.parse(event.data);
  } catch {
    data = null;
  }
  const body = data && typeof data.data === 'object' && data.data !== null ? data.data : data;
  const status = typeof body?.status === 'string' ? body.status : typeof body?.jobStatus === 'string' ? body.jobStatus : null;
  const statistics = body?.deviceJobStatistics ?? body?.statistics ?? null;
  const ended = namesEnd(event.type) || namesEnd(data?.type) || (status !== null && FINAL.includes(status.toLowerCase()));
  return { status, statistics, ended, needsRefresh: statistics === null };
}

export function namesEnd(type) {
  if (typeof type !== 'string' || !type) return false;
  const words = type.replace(/[_-]/g, '.').toLowerCase();
  return ['completed', 'failed', 'cancelled', 'canceled'].some((end) => {
    if (words === `job${end}`) return true;
    if (!words.endsWith(`job.${end}`)) return false;
    const before = words.slice(0, -`job.${end}`.length);
    return !before.endsWith('device.') && !before.endsWith('devices.');
  });
}

/** Finished devices per second over the last ten seconds, and the time left at that rate. */
export class RateMeter {
  constructor(windowMs = 10000) {
    this.windowMs = windowMs;
    this.samples = [];
  }

  add(finished, at = Date.now()) {
    this.samples.push([at, finished]);
    while (this.samples.length > 2 && at - this.samples[1][0] >= this.windowMs) this.samples.shift();
  }

  perSecond() {
    if (this.samples.length < 2) return null;
    const [firstAt, first] = this.samples[0];
    const [lastAt, last] = this.samples[this.samples.length - 1];
    const seconds = (lastAt - firstAt) / 1000;
    return seconds > 0 ? Math.max(0, last - first) / seconds : null;
  }

  secondsLeft(remaining) {
    if (remaining <= 0) return 0;
    const rate = this.perSecond();
    return rate ? Math.ceil(remaining / rate) : null;
  }
}

export function duration(seconds) {
  if (seconds === null || seconds === undefined) return '–';
  if (seconds >= 3600) return `${Math.floor(seconds / 3600)}h${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}m`;
  if (seconds >= 60) return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${seconds}s`;
}
