/**
 * The command line of a Chromium-family browser (Chromium, Chrome, Edge, Brave) launched by
 * NetLens. Every flag is here for a reason a user can read in docs/browsers.md.
 */

export interface ChromiumLaunchOptions {
  proxy: { host: string; port: number };
  /** base64 SHA-256 of the NetLens CA's SubjectPublicKeyInfo (spkiHash.ts). */
  spkiHash: string;
  profileDir: string;
  url?: string;
  headless?: boolean;
  platform: NodeJS.Platform;
  /** Chromium refuses to start as root on Linux unless its sandbox is off. */
  runningAsRoot: boolean;
}

/** Background features that talk to Google by themselves: their traffic would fill the capture. */
export const CHROMIUM_DISABLED_FEATURES = [
  'Translate',
  'OptimizationHints',
  'OptimizationGuideModelDownloading',
  'MediaRouter',
  'DialMediaRouteProvider',
  'NetworkTimeServiceQuerying',
  'SpellcheckService',
  'AutofillServerCommunication',
  // Asks update.googleapis.com for the on-device model manifest even with component updates off.
  'OptimizationGuideOnDeviceModel',
];

export function proxyHostPort(proxy: { host: string; port: number }): string {
  return `${proxy.host.includes(':') ? `[${proxy.host}]` : proxy.host}:${proxy.port}`;
}

export function chromiumArgs(options: ChromiumLaunchOptions): string[] {
  const args = [
    // Everything through NetLens, loopback included: Chromium bypasses the proxy for
    // localhost, 127.0.0.1 and [::1] unless the bypass list removes that rule.
    `--proxy-server=http://${proxyHostPort(options.proxy)}`,
    '--proxy-bypass-list=<-loopback>',
    // Trust the NetLens CA in this browser only (Chromium honours it with --user-data-dir).
    `--ignore-certificate-errors-spki-list=${options.spkiHash}`,
    // A throw-away profile: the user's everyday profile, cookies and extensions stay out of it.
    `--user-data-dir=${options.profileDir}`,
    '--no-first-run',
    '--no-default-browser-check',
    // No traffic of the browser's own: it would be captured along with the user's.
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-default-apps',
    '--disable-domain-reliability',
    '--disable-client-side-phishing-detection',
    '--disable-breakpad',
    '--metrics-recording-only',
    '--no-pings',
    `--disable-features=${CHROMIUM_DISABLED_FEATURES.join(',')}`,
    // No OS keyring or keychain prompt for a profile that is deleted on exit.
    ...(options.platform === 'darwin' ? ['--use-mock-keychain'] : []),
    ...(options.platform === 'linux' ? ['--password-store=basic'] : []),
    ...(options.platform === 'linux' && options.runningAsRoot ? ['--no-sandbox'] : []),
    ...(options.headless ? ['--headless'] : []),
  ];
  if (options.url) args.push(options.url);
  return args;
}
