/**
 * The four guided scenarios (logic in ../scenarios.ts): each card explains what to watch, runs the
 * steps with one click, and shows what happened in one line, with an undo where there is one.
 */
import { useState } from 'preact/hooks';
import { errorText } from '../error-text.js';
import { type Lang, type MessageKey, t } from '../messages.js';
import {
  runAvailability,
  runCache,
  runLatency,
  runReplication,
  type ScenarioContext,
  startAgain,
  undoAvailability,
  undoLatency,
} from '../scenarios.js';

/** Text in whichever language the page shows when it is drawn (the user may switch after a run). */
type Text = (lang: Lang) => string;

interface Undo {
  label: Text;
  action: () => Promise<Text>;
}

interface CardProps {
  id: string;
  lang: Lang;
  canWrite: boolean;
  /** Runs the scenario: the result line and, if it can be undone, how. */
  run: () => Promise<{ line: Text; undo?: Undo }>;
}

function ScenarioCard({ id, lang, canWrite, run }: CardProps) {
  const [busy, setBusy] = useState(false);
  // useState and its setter call a function argument: the Text is wrapped once more.
  const [line, setLine] = useState<Text>(() => () => '');
  const [undo, setUndo] = useState<Undo | null>(null);
  const step = async (action: () => Promise<void>) => {
    setBusy(true);
    setLine(() => (l: Lang) => t(l, 'running'));
    try {
      await action();
    } catch (err) {
      setLine(() => (l: Lang) => t(l, 'failedStep', { message: errorText(err, l) }));
    } finally {
      setBusy(false);
    }
  };
  const onRun = () =>
    step(async () => {
      const r = await run();
      setLine(() => r.line);
      setUndo(r.undo ?? null);
    });
  const onUndo = () =>
    step(async () => {
      if (!undo) return;
      const done = await undo.action();
      setLine(() => done);
      setUndo(null);
    });
  return (
    <article class="card scenario" data-testid={`scenario-${id}`}>
      <h3>{t(lang, `${id}.title` as MessageKey)}</h3>
      <p class="explain">{t(lang, `${id}.explain` as MessageKey)}</p>
      <div class="actions">
        <button
          type="button"
          class="primary"
          disabled={!canWrite || busy}
          onClick={() => void onRun()}
          data-testid={`scenario-${id}-run`}
        >
          {t(lang, 'run')}
        </button>
        {undo && (
          <button
            type="button"
            disabled={busy}
            onClick={() => void onUndo()}
            data-testid={`scenario-${id}-undo`}
          >
            {undo.label(lang)}
          </button>
        )}
      </div>
      <p class="result" data-testid={`scenario-${id}-result`} aria-live="polite">
        {line(lang)}
      </p>
    </article>
  );
}

export function ScenarioCards(props: { ctx: ScenarioContext; lang: Lang; canWrite: boolean }) {
  const { ctx, lang, canWrite } = props;
  return (
    <div class="grid scenarios">
      <ScenarioCard
        id="latency"
        lang={lang}
        canWrite={canWrite}
        run={async () => {
          const r = await runLatency(ctx);
          return {
            line: (l) => t(l, 'latency.result', { ...r, previous: '' }),
            undo: {
              label: (l) => t(l, 'undo'),
              action: async () => {
                await undoLatency(ctx, r);
                return (l) => t(l, 'latency.undone', { node: r.node });
              },
            },
          };
        }}
      />
      <ScenarioCard
        id="availability"
        lang={lang}
        canWrite={canWrite}
        run={async () => {
          const r = await runAvailability(ctx);
          const { node } = r;
          return {
            line: (l) => t(l, 'availability.result', { node }),
            undo: {
              label: (l) => t(l, 'availability.undo', { node }),
              action: async () => {
                await undoAvailability(ctx, r);
                return (l) => t(l, 'availability.undone', { node });
              },
            },
          };
        }}
      />
      <ScenarioCard
        id="replication"
        lang={lang}
        canWrite={canWrite}
        run={async () => {
          const r = await runReplication(ctx);
          return {
            line: (l) => t(l, 'replication.result', { ...r, stored: r.stored.join(', ') || '–' }),
            undo: {
              label: (l) => t(l, 'replication.undo', { node: r.node }),
              action: async () => {
                await startAgain(ctx, r.node);
                return (l) => t(l, 'replication.undone', { node: r.node, name: r.name });
              },
            },
          };
        }}
      />
      <ScenarioCard
        id="cache"
        lang={lang}
        canWrite={canWrite}
        run={async () => {
          const r = await runCache(ctx);
          return { line: (l) => t(l, 'cache.result', { ...r }) };
        }}
      />
    </div>
  );
}
