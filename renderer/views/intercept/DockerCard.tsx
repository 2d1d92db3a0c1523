import { CopyButton } from '../../components/CopyButton';
import { InterceptCard } from './InterceptCard';
import { useChannel } from './useChannel';

/** Containers reach NetLens through the host's bridge address, with proxy credentials. */
export function DockerCard() {
  const setup = useChannel('terminal:env', 'sh', { docker: true });
  const flags = setup.value?.lines.join(' ') ?? '';
  return (
    <InterceptCard
      title="Docker"
      state={setup.error && !setup.value ? 'error' : 'ready'}
      changes={
        <>
          Only the containers you start with these flags. A container cannot reach 127.0.0.1 of the host:
          NetLens must listen on an address the container can reach (<code>netlens proxy --host 0.0.0.0</code>
          ), and then asks every client for its proxy password, so it is never an open proxy on your network.
        </>
      }
      undo="Start the container without the flags."
    >
      {setup.error && <p className="intercept-error">{setup.error.message}</p>}
      {setup.value?.notes.map((note) => (
        <p key={note} className="muted">
          {note}
        </p>
      ))}
      {flags && (
        <>
          <div className="intercept-actions">
            <CopyButton text={flags} label="Copy flags" title="Copy the docker run flags" />
          </div>
          <pre className="block intercept-lines">{flags}</pre>
        </>
      )}
      <p className="muted">
        From a terminal: <code>eval "docker run $(netlens env --docker) IMAGE"</code> (the flags of the
        running NetLens, a new <code>docker#N</code> label each time).
      </p>
    </InterceptCard>
  );
}
