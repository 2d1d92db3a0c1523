// Placeholder: the Diff view is being built.
export function DiffView() {
  return <section aria-label="Diff">Diff: coming soon</section>;
}
