/**
 * The dashboard page's entry: reads what the supervisor wrote into index.html (the token, empty for a
 * read-only page, and the cluster's language) and renders the app.
 */
import { render } from 'preact';
import { LANG_META, TOKEN_META } from '../protocol.js';
import { App } from './components/app.js';
import './styles.css';

function meta(name: string): string {
  return document.querySelector(`meta[name="${name}"]`)?.getAttribute('content') ?? '';
}

// Opened as `/?token=…`: the supervisor has set the page's cookie, so the token can leave the address bar
// (a projected screen would show it to the whole class) and a reload still works.
if (new URLSearchParams(location.search).has('token')) history.replaceState(null, '', location.pathname);

const root = document.getElementById('app');
if (root) render(<App token={meta(TOKEN_META)} metaLang={meta(LANG_META)} />, root);
