import { upstreamTarget, type UpstreamTarget } from './upstreamTarget.js';

/** A rule's map remote: the request goes to `url` (a path of `/` keeps the request's own path and query). */
export function mappedTarget(target: UpstreamTarget, url: URL): UpstreamTarget {
  const keepPath = url.pathname === '/' && url.search === '';
  const mapped = new URL(url.href);
  if (keepPath) {
    const q = target.path.indexOf('?');
    mapped.pathname = q === -1 ? target.path : target.path.slice(0, q);
    mapped.search = q === -1 ? '' : target.path.slice(q);
  }
  return upstreamTarget(mapped);
}
