// The operator's buttons on a job page (docs/dashboard.md, "Job"): cancel, pause, resume and approve, each asking for
// confirmation in a modal dialog first. Each shows only when the hub would accept it in the job's state; the hub's
// answer (the job afterwards) is handed to onJob at once, so the page shows the change without waiting for a read.

import { h, replace } from '../dom.js';
import { encode, request } from '../hub.js';
import { isFinished } from '../jobstate.js';

export function jobControls(jobId, { signal, showError, onJob }) {
  const controls = [
    confirmed({
      label: 'Cancel job…', title: `Cancel job ${jobId}?`, confirm: 'Cancel the job', keep: 'Keep it', danger: true,
      text: 'A queued or scheduled job never starts. A running job calls no more devices; devices already being called finish.',
      path: `/jobs/v2/${encode(jobId)}/cancel`, shown: (job) => !isFinished(job),
    }),
    confirmed({
      label: 'Pause…', title: `Pause job ${jobId}?`, confirm: 'Pause the job', keep: 'Keep it running',
      text: 'No more devices are called until the job is resumed; devices already being called finish. '
        + 'The maximum execution time keeps running while the job is paused.',
      path: `/jobs/v2/${encode(jobId)}/pause`, shown: (job) => job.status === 'running',
    }),
    confirmed({
      label: 'Resume…', title: `Resume job ${jobId}?`, confirm: 'Resume the job', keep: 'Keep it paused',
      text: 'Devices are called again where the job stopped, at the rollout\'s rate and within its waves.',
      path: `/jobs/v2/${encode(jobId)}/resume`, shown: (job) => job.status === 'paused',
    }),
    confirmed({
      label: 'Approve next wave…', title: `Approve the next wave of ${jobId}?`, confirm: 'Approve', keep: 'Not yet',
      text: (job) => {
        const s = job.rolloutStatus ?? {};
        const next = s.currentWave ? ` Wave ${s.currentWave + 1}${s.waveCount ? ` of ${s.waveCount}` : ''} starts` : ' The next wave starts';
        return `Wave ${s.currentWave ?? ''} finished.${next}${job.status === 'paused' ? ' once the job is resumed' : ''}; `
          + `${s.devicesWaiting ?? 'the'} devices wait to be called.`;
      },
      path: `/jobs/v2/${encode(jobId)}/approve`, shown: (job) => !isFinished(job) && job.rolloutStatus?.awaitingApproval === true,
    }),
  ].map((make) => make({ signal, showError, onJob }));
  return {
    element: h('span', { class: 'controls' }, controls.map((c) => c.element)),
    update: (job) => controls.forEach((c) => c.update(job)),
  };
}

/** A button that opens a confirmation dialog; its confirm button POSTs to path and hands the answer to onJob. */
function confirmed({ label, title, confirm, keep, text, path, shown, danger = false }) {
  return ({ signal, showError, onJob }) => {
    const titleId = `dialog-${label.replace(/\W+/g, '-').toLowerCase()}h`;
    const dialog = h('dialog', { 'aria-labelledby': titleId });
    const explanation = h('p');
    const button = h('button', { type: 'button', class: danger ? 'danger' : '', hidden: true, onclick: () => dialog.showModal() }, label);
    const yes = h('button', { type: 'button', class: danger ? 'danger' : 'primary' }, confirm);
    const no = h('button', { type: 'button', onclick: () => dialog.close() }, keep);
    replace(dialog, h('h2', { id: titleId }, title), explanation, h('div', { class: 'actions' }, yes, no));
    yes.addEventListener('click', async () => {
      yes.disabled = true;
      try {
        const answer = await request('POST', path, { signal });
        dialog.close();
        if (answer.body) onJob(answer.body);
      } catch (error) {
        dialog.close();
        showError(error);
      } finally {
        yes.disabled = false;
      }
    });
    return {
      element: h('span', {}, button, dialog),
      update: (job) => {
        button.hidden = !shown(job);
        replace(explanation, typeof text === 'function' ? text(job) : text);
      },
    };
  };
}
