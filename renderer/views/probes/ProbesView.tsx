// Placeholder: the Probes view is being built.
export function ProbesView() {
  return <section aria-label="Probes">Probes: coming soon</section>;
}
