/**
 * Random ids for the player's `?client=` and each `?upload=`. getRandomValues rather than
 * crypto.randomUUID: the latter exists only in secure contexts, and a classroom opens the page over
 * http://<teacher's IP>.
 */
export function randomId(prefix: string): string {
  const bytes = new Uint8Array(6);
  crypto.getRandomValues(bytes);
  return prefix + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
