/**
 * The browser of the e2e tests: Debian's Chromium (`apt-get install -y chromium`, done by .ci/run),
 * driven by playwright-core, with the flags every browser test launches it with.
 */
export const CHROMIUM = '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  // No network chatter of its own: the tests' requests are the only ones the nodes see.
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // The players start without a click.
  '--autoplay-policy=no-user-gesture-required',
];
