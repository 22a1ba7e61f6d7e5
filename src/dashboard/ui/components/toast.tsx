/** One line at the bottom: the last error, until closed or replaced (and gone after a while). */
import { useEffect } from 'preact/hooks';
import { type Lang, t } from '../messages.js';

const SHOW_MS = 8000;

export function Toast(props: {
  lang: Lang;
  message: { text: string; seq: number } | null;
  onClose: () => void;
}) {
  const { message, onClose } = props;
  useEffect(() => {
    if (!message) return;
    const timer = setTimeout(onClose, SHOW_MS);
    return () => clearTimeout(timer);
  }, [message, onClose]);
  if (!message) return null;
  return (
    <div class="toast" role="alert" data-testid="toast">
      <span>{message.text}</span>
      <button type="button" onClick={onClose} aria-label={t(props.lang, 'close')}>
        ×
      </button>
    </div>
  );
}
