/** The page's language: the user's last choice (localStorage), else the cluster's; kept on <html lang>. */
import { useEffect, useState } from 'preact/hooks';
import { chooseLang, type Lang } from '../messages.js';

const KEY = 'dsm-lang';

function stored(): string | null {
  try {
    return localStorage.getItem(KEY);
  } catch {
    // Storage can be disabled (private windows, file policies): then the choice lasts the visit.
    return null;
  }
}

export function useLang(metaLang: string): [Lang, (lang: Lang) => void] {
  const [lang, setLang] = useState<Lang>(() => chooseLang(stored(), metaLang));
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  const choose = (next: Lang) => {
    setLang(next);
    try {
      localStorage.setItem(KEY, next);
    } catch {
      // See stored().
    }
  };
  return [lang, choose];
}
