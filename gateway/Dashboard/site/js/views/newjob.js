// Create a job (docs/dashboard.md, "New job"): a method call or a twin update, the devices' condition, a start time and
// optionally a rollout (a rate, and waves, abort criteria and the rest as JSON). Nothing is created before a preview,
// which is the hub's dry run of the very request (./dryrun.js). Changing the form after a preview asks for a new one.

import { field, h, replace } from '../dom.js';
import { encode, request } from '../hub.js';
import { dryRun, dryRunContent } from './dryrun.js';

const ROLLOUT_EXAMPLE = '{"waves":[{"percentage":10,"requiresApproval":true},{"percentage":100}]}';

export async function newJobView({ root, signal, setTitle, showError }) {
  const now = new Date();
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const jobId = h('input', { name: 'jobId', value: `job-${stamp}`, required: true, pattern: '[A-Za-z0-9-]{1,64}', spellcheck: 'false' });
  const method = h('input', { type: 'radio', name: 'type', value: 'scheduleDeviceMethod', checked: true, id: 'type-method' });
  const twin = h('input', { type: 'radio', name: 'type', value: 'scheduleUpdateTwin', id: 'type-twin' });
  const methodName = h('input', { name: 'methodName', value: 'reboot', spellcheck: 'false' });
  const payload = h('textarea', { name: 'payload', rows: '3', spellcheck: 'false', value: '{}' });
  const responseTimeout = h('input', { type: 'number', name: 'responseTimeout', min: '5', max: '300', value: '30' });
  const connectTimeout = h('input', { type: 'number', name: 'connectTimeout', min: '0', max: '300', value: '0' });
  const tags = h('textarea', { name: 'tags', rows: '3', spellcheck: 'false', value: '' });
  const desired = h('textarea', { name: 'desired', rows: '3', spellcheck: 'false', value: '' });
  const condition = h('textarea', { name: 'queryCondition', rows: '2', spellcheck: 'false', required: true, value: '*' });
  const start = h('input', { type: 'datetime-local', name: 'startTime', step: '1' });
  const ttl = h('input', { type: 'number', name: 'maxExecutionTime', min: '1', max: '2592000', value: '3600' });
  const maxPerMinute = h('input', { type: 'number', name: 'maximumPerMinute', min: '1', max: '100000' });
  const rollout = h('textarea', { name: 'rollout', rows: '3', spellcheck: 'false', value: '' });
  const methodFields = h('fieldset', {}, h('legend', {}, 'Direct method'),
    field('Method name', methodName), field('Payload (JSON)', payload),
    field('Response timeout (s)', responseTimeout, '5–300: how long a device has to answer'),
    field('Connect timeout (s)', connectTimeout, '0–300: how long to wait for an offline device'));
  const twinFields = h('fieldset', { hidden: true }, h('legend', {}, 'Twin update'),
    field('Tags to set (JSON object)', tags), field('Desired properties to set (JSON object)', desired));
  const previewButton = h('button', { type: 'submit' }, 'Preview');
  const preview = h('section', { class: 'preview', 'aria-live': 'polite', 'aria-labelledby': 'preview-h', hidden: true });
  const message = h('p', { class: 'form-error', role: 'alert' });

  const form = h('form', { class: 'new-job', novalidate: true },
    field('Job id', jobId, '1–64 letters, digits and -'),
    h('fieldset', { class: 'choice' }, h('legend', {}, 'What the job does'),
      h('label', { for: 'type-method' }, method, ' Call a direct method'),
      h('label', { for: 'type-twin' }, twin, ' Update twins')),
    methodFields, twinFields,
    field('Devices: query condition', condition, "e.g. tags.building = '43' — * for every device"),
    field('Start time (your local time)', start, 'Empty: start now'),
    field('Maximum execution time (s)', ttl, '1–2,592,000; devices not reached by then fail with JobTimeout'),
    h('fieldset', {}, h('legend', {}, 'Rollout (optional)'),
      field('Maximum devices per minute', maxPerMinute, '1–100,000; empty: as fast as the hub runs'),
      field('Rollout (JSON object)', rollout, `Waves, abort criteria, retries, windows, end time — e.g. ${ROLLOUT_EXAMPLE}`)),
    message, previewButton);

  let prepared = null;
  const invalidate = () => {
    prepared = null;
    preview.hidden = true;
    preview.replaceChildren();
  };
  form.addEventListener('input', invalidate);
  form.addEventListener('change', () => {
    methodFields.hidden = !method.checked;
    twinFields.hidden = method.checked;
    invalidate();
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    replace(message);
    let body;
    try {
      body = jobRequest();
    } catch (error) {
      replace(message, error.message);
      return;
    }
    previewButton.disabled = true;
    try {
      await showPreview(body);
    } catch (error) {
      showError(error);
    } finally {
      previewButton.disabled = false;
    }
  });

  function jobRequest() {
    const id = jobId.value.trim();
    if (!/^[A-Za-z0-9-]{1,64}$/.test(id)) throw new Error('The job id must be 1–64 letters, digits and -.');
    const cond = condition.value.trim();
    if (!cond) throw new Error('The query condition is required (* for every device).');
    const body = { jobId: id, type: method.checked ? 'scheduleDeviceMethod' : 'scheduleUpdateTwin', queryCondition: cond };
    if (start.value) body.startTime = new Date(start.value).toISOString();
    body.maxExecutionTimeInSeconds = Number(ttl.value);
    if (method.checked) {
      if (!methodName.value.trim()) throw new Error('The method name is required.');
      body.cloudToDeviceMethod = {
        methodName: methodName.value.trim(), payload: parseJson('Payload', payload.value, true),
        responseTimeoutInSeconds: Number(responseTimeout.value), connectTimeoutInSeconds: Number(connectTimeout.value),
      };
    } else {
      const patch = { etag: '*' };
      const t = parseJson('Tags', tags.value, false);
      const d = parseJson('Desired properties', desired.value, false);
      if (t) patch.tags = t;
      if (d) patch.properties = { desired: d };
      if (!t && !d) throw new Error('Give tags or desired properties to set.');
      body.updateTwin = patch;
    }
    const plan = parseJson('Rollout', rollout.value, false);
    if (maxPerMinute.value) {
      if (plan?.maximumPerMinute !== undefined) throw new Error('Give the maximum per minute once: in its field or in the rollout JSON.');
      body.rollout = { ...(plan ?? {}), maximumPerMinute: Number(maxPerMinute.value) };
    } else if (plan) {
      body.rollout = plan;
    }
    return body;
  }

  async function showPreview(body) {
    const plan = await dryRun(body, signal);
    const matching = plan.deviceCount ?? 0;
    prepared = body;
    const create = h('button', { type: 'button', class: 'primary' }, `Create job for ${matching} devices`);
    create.addEventListener('click', async () => {
      if (prepared !== body) return;
      create.disabled = true;
      try {
        await request('PUT', `/jobs/v2/${encode(body.jobId)}`, { body, signal });
        location.hash = `#/jobs/${encode(body.jobId)}`;
      } catch (error) {
        showError(error);
        create.disabled = false;
      }
    });
    replace(preview,
      h('h2', { id: 'preview-h' }, 'Preview'),
      dryRunContent(plan, body),
      h('details', {}, h('summary', {}, 'Request'), h('pre', { class: 'json' }, JSON.stringify(body, null, 2))),
      h('div', { class: 'actions' }, create));
    preview.hidden = false;
    create.focus();
  }

  replace(root, h('h1', {}, 'New job'), form, preview);
  setTitle('New job');
}

function parseJson(name, text, required) {
  if (!text.trim()) {
    if (required) return {};
    return null;
  }
  try {
    const value = JSON.parse(text);
    if (!required && (typeof value !== 'object' || value === null || Array.isArray(value))) throw new Error();
    return value;
  } catch {
    throw new Error(`${name} is not valid JSON${required ? '' : ' (an object)'}.`);
  }
}
