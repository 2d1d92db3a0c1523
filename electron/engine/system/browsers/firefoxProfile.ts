/**
 * The throw-away Firefox profile of a browser NetLens launches: prefs in user.js (read at every
 * start, they win over prefs.js) and the NetLens CA in the profile's own NSS database.
 */
import { proxyHostPort } from './chromiumArgs.js';

type PrefValue = string | number | boolean;

export function firefoxPrefs(proxy: { host: string; port: number }): [string, PrefValue][] {
  return [
    // Manual proxy for HTTP and HTTPS, nothing bypassed, localhost included.
    ['network.proxy.type', 1],
    ['network.proxy.http', proxy.host],
    ['network.proxy.http_port', proxy.port],
    ['network.proxy.ssl', proxy.host],
    ['network.proxy.ssl_port', proxy.port],
    ['network.proxy.share_proxy_settings', false],
    ['network.proxy.no_proxies_on', ''],
    ['network.proxy.allow_hijacking_localhost', true],
    // The NetLens CA may also be trusted by the OS store (netlens ca --install).
    ['security.enterprise_roots.enabled', true],
    // No first-run, default-browser or what's-new pages.
    ['browser.shell.checkDefaultBrowser', false],
    ['browser.startup.homepage_override.mstone', 'ignore'],
    ['startup.homepage_welcome_url', ''],
    ['startup.homepage_welcome_url.additional', ''],
    ['browser.aboutwelcome.enabled', false],
    ['browser.startup.homepage', 'about:blank'],
    ['browser.startup.page', 0],
    ['browser.newtabpage.enabled', false],
    ['browser.newtabpage.activity-stream.feeds.section.topstories', false],
    ['browser.newtabpage.activity-stream.feeds.topsites', false],
    ['browser.newtabpage.activity-stream.showSponsored', false],
    ['browser.newtabpage.activity-stream.showSponsoredTopSites', false],
    ['browser.topsites.contile.enabled', false],
    ['browser.uitour.enabled', false],
    ['browser.sessionstore.resume_from_crash', false],
    ['browser.tabs.warnOnClose', false],
    ['browser.warnOnQuit', false],
    ['datareporting.policy.dataSubmissionPolicyBypassNotification', true],
    ['toolkit.telemetry.reportingpolicy.firstRun', false],
    // No telemetry, studies or experiments.
    ['datareporting.policy.dataSubmissionEnabled', false],
    ['datareporting.healthreport.uploadEnabled', false],
    ['datareporting.usage.uploadEnabled', false],
    ['toolkit.telemetry.enabled', false],
    ['toolkit.telemetry.unified', false],
    ['toolkit.telemetry.archive.enabled', false],
    ['toolkit.telemetry.server', ''],
    ['app.normandy.enabled', false],
    ['app.shield.optoutstudies.enabled', false],
    ['messaging-system.rsexperimentloader.enabled', false],
    ['nimbus.rsexperimentloader.enabled', false],
    // No captive-portal, connectivity, push, location or remote-settings pings.
    ['network.captive-portal-service.enabled', false],
    ['network.connectivity-service.enabled', false],
    ['dom.push.connection.enabled', false],
    ['browser.region.network.url', ''],
    ['browser.region.update.enabled', false],
    ['geo.provider.network.url', ''],
    ['services.settings.server', 'data:,#remote-settings-disabled'],
    ['browser.safebrowsing.malware.enabled', false],
    ['browser.safebrowsing.phishing.enabled', false],
    ['browser.safebrowsing.downloads.enabled', false],
    ['browser.safebrowsing.downloads.remote.enabled', false],
    ['browser.safebrowsing.provider.mozilla.updateURL', ''],
    ['browser.safebrowsing.provider.google4.updateURL', ''],
    ['extensions.blocklist.enabled', false],
    ['identity.fxaccounts.enabled', false],
    ['extensions.pocket.enabled', false],
    ['browser.discovery.enabled', false],
    ['browser.ping-centre.telemetry', false],
    ['browser.newtabpage.activity-stream.telemetry', false],
    ['browser.newtabpage.activity-stream.feeds.telemetry', false],
    // No update checks of the browser, its add-ons, search engines or media plugins.
    ['app.update.auto', false],
    ['app.update.checkInstallTime', false],
    ['app.update.disabledForTesting', true],
    ['extensions.update.enabled', false],
    ['extensions.getAddons.cache.enabled', false],
    ['browser.search.update', false],
    ['media.gmp-manager.updateEnabled', false],
    ['media.gmp-gmpopenh264.enabled', false],
    // No speculative connections: every connection in the capture is one a page asked for.
    ['network.http.speculative-parallel-limit', 0],
    ['browser.urlbar.speculativeConnect.enabled', false],
    ['network.prefetch-next', false],
    ['network.dns.disablePrefetch', true],
  ];
}

function prefLiteral(value: PrefValue): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/** user.js: `user_pref("name", value);` lines (JSON string literals are valid prefs-file strings). */
export function firefoxUserJs(proxy: { host: string; port: number }): string {
  const lines = [
    `// Written by NetLens for a throw-away profile: proxy ${proxyHostPort(proxy)}, no background traffic.`,
    ...firefoxPrefs(proxy).map(
      ([name, value]) => `user_pref(${JSON.stringify(name)}, ${prefLiteral(value)});`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * Release builds ignore `services.settings.server` unless this is set (services/settings/Utils):
 * without it, Firefox polls its remote-settings server all the time and fills the capture.
 */
export const FIREFOX_ENVIRONMENT: Readonly<Record<string, string>> = { MOZ_REMOTE_SETTINGS_DEVTOOLS: '1' };

export function firefoxArgs(options: { profileDir: string; url?: string; headless?: boolean }): string[] {
  // -no-remote / -new-instance: a new process with this profile, even if Firefox already runs.
  const args = ['-profile', options.profileDir, '-no-remote', '-new-instance'];
  if (options.headless) args.push('-headless');
  if (options.url) args.push(options.url);
  return args;
}
