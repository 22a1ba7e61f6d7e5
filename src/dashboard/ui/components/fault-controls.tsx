/**
 * One row per fault type under a node card: its settings, apply and clear. Applying sends the node's
 * whole list with that one fault replaced (see fault-edit.ts).
 */
import { useState } from 'preact/hooks';
import type { DashboardNode, Fault } from '../../protocol.js';
import type { Api } from '../api.js';
import { type FaultType, findFault, withFault, withoutFault } from '../fault-edit.js';
import { DEFAULT_INPUTS, type FaultInputs, faultFromInputs } from '../fault-form.js';
import { type Lang, type MessageKey, t } from '../messages.js';

const TYPES: FaultType[] = ['latency', 'bandwidth', 'errors', 'hang', 'reset', 'down'];

interface Props {
  node: DashboardNode;
  lang: Lang;
  api: Api;
  report: (err: unknown) => void;
}

export function FaultControls({ node, lang, api, report }: Props) {
  const [inputs, setInputs] = useState<FaultInputs>(DEFAULT_INPUTS);
  const [busy, setBusy] = useState(false);
  const name = node.name;
  const set = (field: keyof FaultInputs) => (e: Event) =>
    setInputs({ ...inputs, [field]: (e.currentTarget as HTMLInputElement).value });

  const send = async (faults: Fault[]) => {
    // The node's list is replaced as a whole: built from an unknown list (a node that just came back,
    // not measured yet) it would wipe the faults it has. Wait for the next measurement instead.
    if (node.faults === null) {
      report(new Error(t(lang, 'faultsUnknown')));
      return;
    }
    setBusy(true);
    try {
      await api.setFaults(name, faults);
    } catch (err) {
      report(err);
    } finally {
      setBusy(false);
    }
  };
  const apply = (type: FaultType) => {
    const r = faultFromInputs(type, inputs);
    if (!r.ok) {
      const field = t(lang, r.params.field as MessageKey);
      report(new Error(t(lang, r.key, { ...r.params, field })));
      return;
    }
    void send(withFault(node.faults, r.fault));
  };
  const clear = (type: FaultType) => void send(withoutFault(node.faults, type));

  const field = (key: keyof FaultInputs, label: MessageKey, testid: string, width = 'num') => (
    <label class={`field ${width}`}>
      <input
        type="text"
        inputMode="decimal"
        value={inputs[key]}
        onInput={set(key)}
        data-testid={`${testid}-${name}`}
        aria-label={`${t(lang, label)} (${name})`}
      />
      <span>{t(lang, label)}</span>
    </label>
  );

  const settings = (type: FaultType) => {
    switch (type) {
      case 'latency':
        return (
          <>
            {field('latencyMs', 'field.ms', 'fault-latency')}
            {field('jitterMs', 'field.jitter', 'fault-jitter')}
          </>
        );
      case 'bandwidth':
        return field('bandwidthKBps', 'field.kbps', 'fault-bandwidth');
      case 'errors':
        return (
          <>
            {field('errorRate', 'field.rate', 'fault-errors')}
            <label class="field">
              <select
                value={inputs.status}
                onChange={set('status')}
                data-testid={`fault-errors-status-${name}`}
                aria-label={`${t(lang, 'field.status')} (${name})`}
              >
                <option value="503">503</option>
                <option value="500">500</option>
              </select>
            </label>
          </>
        );
      case 'reset':
        return field('resetAfterBytes', 'field.afterBytes', 'fault-reset', 'wide');
      case 'hang':
      case 'down':
        return null;
    }
  };

  return (
    <div class="fault-controls">
      <div class="fault-row common">
        <span class="fault-name">{t(lang, 'faults.common')}</span>
        <span class="fault-settings">
          {field('toxicityPercent', 'field.toxicity', 'fault-toxicity')}
          {field('forSeconds', 'field.forSeconds', 'fault-for-seconds', 'wide')}
        </span>
      </div>
      {TYPES.map((type) => {
        const active = findFault(node.faults, type) !== undefined;
        return (
          <div
            class={`fault-row${active ? ' active' : ''}`}
            key={type}
            data-testid={`fault-row-${type}-${name}`}
          >
            <span class="fault-name">{t(lang, `fault.${type}`)}</span>
            <span class="fault-settings">{settings(type)}</span>
            <button
              type="button"
              disabled={busy}
              onClick={() => apply(type)}
              data-testid={`apply-${type}-${name}`}
            >
              {t(lang, 'apply')}
            </button>
            <button
              type="button"
              disabled={busy || !active}
              onClick={() => clear(type)}
              data-testid={`clear-${type}-${name}`}
            >
              {t(lang, 'clear')}
            </button>
          </div>
        );
      })}
    </div>
  );
}
