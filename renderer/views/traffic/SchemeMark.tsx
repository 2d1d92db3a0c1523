/**
 * The scheme before a host: a closed lock for TLS (https, wss), an open one for plain http and
 * ws, a two-way arrow for a CONNECT tunnel NetLens passed through. Drawn, not a font glyph, so
 * it looks the same on every system.
 */
export function SchemeMark({ scheme }: { scheme: string }) {
  if (scheme === '') return null;
  const secure = scheme === 'https' || scheme === 'wss';
  const label =
    scheme === 'tunnel'
      ? 'CONNECT tunnel (not intercepted)'
      : secure
        ? `${scheme.toUpperCase()} (TLS)`
        : scheme.toUpperCase();
  if (scheme === 'tunnel')
    return (
      <svg className="scheme-mark" viewBox="0 0 9 10" role="img" aria-label={label}>
        <title>{label}</title>
        <path d="M1 3h7M6 1l2 2-2 2M8 7H1M3 5L1 7l2 2" fill="none" stroke="currentColor" strokeWidth="1.2" />
      </svg>
    );
  return (
    <svg className={`scheme-mark${secure ? ' secure' : ''}`} viewBox="0 0 9 10" role="img" aria-label={label}>
      <title>{label}</title>
      <path
        d={secure ? 'M2.2 4.5V3a2.3 2.3 0 0 1 4.6 0v1.5' : 'M2.2 4.5V3a2.3 2.3 0 0 1 4.5-.6'}
        fill="none"
        stroke="currentColor"
        strokeWidth="1.2"
      />
      <rect x="0.8" y="4.5" width="7.4" height="5" rx="1" fill="currentColor" />
    </svg>
  );
}
