// Placeholder: the Monitors view is being built.
export function MonitorsView() {
  return <section aria-label="Monitors">Monitors: coming soon</section>;
}
