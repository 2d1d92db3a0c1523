// Placeholder: the Overview view is being built.
export function OverviewView() {
  return <section aria-label="Overview">Overview: coming soon</section>;
}
