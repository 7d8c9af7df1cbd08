// A dry run's answer on the new-job form (docs/dashboard.md, "New job"): PUT /jobs/v2/{id}?dryRun=true checks the request
// as the real one would be checked and answers the devices that match now, the first of them, the wave plan and the
// estimated duration at the rollout's rate — and records nothing.

import { h } from '../dom.js';
import { encode, request } from '../hub.js';
import { duration } from '../jobstate.js';

export async function dryRun(body, signal) {
  return (await request('PUT', `/jobs/v2/${encode(body.jobId)}?dryRun=true`, { body, signal })).body;
}

/** The preview's content: count, sample, and for a rollout its waves and estimated duration. */
export function dryRunContent(plan, body) {
  const matching = plan.deviceCount ?? 0;
  const sample = plan.sampleDeviceIds ?? [];
  const parts = [
    h('p', { class: 'match-count' }, h('strong', {}, String(matching)), ` device${matching === 1 ? '' : 's'} match the condition now.`),
    sample.length > 0 ? h('p', {}, `First ${sample.length}: `, h('span', { class: 'sample' }, sample.join(', '))) : null,
  ];
  if (body.rollout) {
    parts.push(wavesTable(plan.waves ?? []));
    const seconds = plan.estimatedDurationInSeconds;
    parts.push(h('p', { class: 'estimate' }, 'Estimated duration: ',
      h('strong', {}, typeof seconds === 'number' ? duration(seconds) : 'no rate set'), ` — ${plan.estimateAssumes ?? ''}`));
  }
  parts.push(h('p', { class: 'hint' }, 'A dry run: the hub checked this request and recorded nothing. ',
    'The job selects its devices when it starts', body.startTime ? ` (${body.startTime})` : '', '.'));
  return parts;
}

function wavesTable(waves) {
  return h('table', { class: 'waves' },
    h('caption', {}, 'Waves'),
    h('thead', {}, h('tr', {}, ['Wave', 'Devices', 'Cumulative', 'Bake time', 'Min. success', 'Approval']
      .map((name) => h('th', { scope: 'col' }, name)))),
    h('tbody', {}, waves.map((w) => h('tr', {},
      h('th', { scope: 'row' }, String(w.wave)),
      h('td', { class: 'num' }, String(w.deviceCount)),
      h('td', { class: 'num' }, String(w.cumulativeDeviceCount)),
      h('td', { class: 'num' }, `${w.bakeTimeInSeconds ?? 0} s`),
      h('td', { class: 'num' }, typeof w.minSuccessPercentage === 'number' ? `${w.minSuccessPercentage}%` : '–'),
      h('td', {}, w.requiresApproval ? 'required' : '–')))));
}
