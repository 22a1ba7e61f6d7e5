/** Any failure as one line for the toast, in the page's language where the page wrote it. */
import { ApiError } from './api.js';
import { type Lang, t } from './messages.js';
import { ScenarioError } from './scenarios.js';

export function errorText(err: unknown, lang: Lang): string {
  if (err instanceof ScenarioError) return t(lang, err.key, err.params);
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}
