/**
 * A button label that switches between an idle and a busy text without changing the button's
 * width: both texts sit in one grid cell and the inactive one is hidden (visibility, so it still
 * takes its room and is left out of the accessible name), so nothing beside the button shifts
 * when a run starts or ends.
 */
export function StableLabel({ idle, busy, isBusy }: { idle: string; busy: string; isBusy: boolean }) {
  return (
    <span className="stable-label">
      <span className={isBusy ? 'stable-label-off' : undefined}>{idle}</span>
      <span className={isBusy ? undefined : 'stable-label-off'}>{busy}</span>
    </span>
  );
}
