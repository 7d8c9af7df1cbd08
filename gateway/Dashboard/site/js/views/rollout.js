// Where a job's rollout stands (docs/dashboard.md, "Job"), from the JobResponse's rolloutStatus: its wave of how many,
// whether the next wave waits for approval, the rate, the devices waiting, and the job's statusMessage (why it paused or
// stopped: an abort criterion with its numbers, a wave below its success share, its end time). Shown for jobs with a
// rollout and for any job that is paused or has a status message.

import { h, replace } from '../dom.js';

export function rolloutPanel() {
  const list = h('dl', { class: 'details rollout-status' });
  const note = h('p', { class: 'rollout-note', 'aria-live': 'polite' });
  const element = h('section', { 'aria-labelledby': 'rollout-h', hidden: true },
    h('h2', { id: 'rollout-h' }, 'Rollout'), note, list);
  return {
    element,
    show(job) {
      const s = job.rolloutStatus;
      element.hidden = !s && job.status !== 'paused' && !job.statusMessage;
      replace(note, noteOf(job));
      if (!s) {
        replace(list);
        return;
      }
      const entries = [
        ['Wave', s.currentWave ? `${s.currentWave} of ${s.waveCount ?? '?'}` : 'not started'],
        ['Approval', s.awaitingApproval ? 'awaiting approval' : 'not awaited'],
        ['Rate', typeof s.currentRatePerMinute === 'number' ? `${s.currentRatePerMinute} devices a minute` : 'no limit'],
        ['Devices waiting', s.devicesWaiting ?? '–'],
        ['Executed', `${s.executedDevices ?? 0} (failed ${s.failedDevices ?? 0}, timed out ${s.timedOutDevices ?? 0}, not online ${s.notOnlineDevices ?? 0})`],
      ];
      replace(list, entries.map(([name, value]) => [h('dt', {}, name), h('dd', { class: `rollout-${name.toLowerCase().replace(' ', '-')}` }, String(value))]));
    },
  };
}

function noteOf(job) {
  const parts = [];
  if (job.status === 'paused') parts.push('Paused: no device is called until the job is resumed.');
  else if (job.rolloutStatus?.awaitingApproval && !['completed', 'failed', 'cancelled'].includes(job.status)) {
    parts.push(`Wave ${job.rolloutStatus.currentWave} finished: the next wave waits for approval.`);
  }
  if (job.statusMessage) parts.push(job.statusMessage);
  return parts.join(' ');
}
