/** The page's title bar: live indicator, language toggle, and the read-only notice. */
import { type Lang, t } from '../messages.js';

export function TopBar(props: { lang: Lang; setLang: (l: Lang) => void; live: boolean; canWrite: boolean }) {
  const { lang, setLang, live, canWrite } = props;
  return (
    <header class="top-bar">
      <h1>{t(lang, 'title')}</h1>
      <span class={`live ${live ? 'on' : 'off'}`} data-testid="live" data-live={String(live)}>
        <span class="dot" aria-hidden="true" />
        {live ? t(lang, 'live') : t(lang, 'reconnecting')}
      </span>
      {!canWrite && (
        <span class="read-only" data-testid="read-only">
          {t(lang, 'readOnly')}
        </span>
      )}
      <fieldset class="langs" aria-label={t(lang, 'language')}>
        {(['en', 'pt-BR'] as const).map((l) => (
          <button
            type="button"
            key={l}
            class={l === lang ? 'chosen' : ''}
            aria-pressed={l === lang}
            data-testid={`lang-${l}`}
            onClick={() => setLang(l)}
          >
            {l === 'en' ? 'EN' : 'PT-BR'}
          </button>
        ))}
      </fieldset>
    </header>
  );
}
