// Placeholder: the Retries view is being built.
export function RetriesView() {
  return <section aria-label="Retries">Retries: coming soon</section>;
}
