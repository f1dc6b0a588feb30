// What the self-check's browser tests share with the requests app's (lib/backend.mjs:
// the real server, Debian's Chromium with the flags this machine needs).

export { launch as launchChromium } from './lib/backend.mjs';

export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 800 };
