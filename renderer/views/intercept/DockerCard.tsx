import { InterceptCard } from './InterceptCard';

/** Containers reach NetLens through the host's bridge address, with proxy credentials. */
export function DockerCard() {
  return (
    <InterceptCard
      title="Docker"
      state="ready"
      changes={
        <>
          Only the containers you start with the printed flags. A container cannot reach 127.0.0.1 of the
          host: NetLens must listen on an address the container can reach (
          <code>netlens proxy --host 0.0.0.0</code>), and then asks every client for its proxy password, so it
          is never an open proxy on your network.
        </>
      }
      undo="Start the container without the flags."
    >
      <pre className="block intercept-lines">{'docker run $(netlens env --docker) IMAGE'}</pre>
    </InterceptCard>
  );
}
