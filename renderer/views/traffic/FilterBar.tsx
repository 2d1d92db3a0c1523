import { FILTER_KEYS, parseFilter } from '../../../shared/filter';
import { useStore } from '../../store';

export const FILTER_INPUT_ID = 'traffic-filter';

/**
 * The filter input. The text applies as you type (each keystroke re-filters only through the
 * memoized selector); errors show inline under the bar and the bad terms are ignored.
 */
export function FilterBar() {
  const filterText = useStore((s) => s.filterText);
  const setFilter = useStore((s) => s.setFilter);
  const errors = parseFilter(filterText).errors;
  const help = Object.values(FILTER_KEYS)
    .map((k) => `${k.example}: ${k.description}`)
    .join('\n');
  return (
    <div className="filter-bar">
      <input
        id={FILTER_INPUT_ID}
        type="search"
        role="searchbox"
        aria-label="Filter exchanges"
        aria-invalid={errors.length > 0}
        aria-describedby={errors.length > 0 ? 'filter-errors' : undefined}
        placeholder="Filter (/): text  method:POST  status:5xx  host:*.example.com  is:error  larger:100k  slower:500ms  -negate"
        title={help}
        value={filterText}
        spellCheck={false}
        autoComplete="off"
        onChange={(event) => {
          setFilter(event.target.value);
        }}
        onKeyDown={(event) => {
          if (event.key === 'Escape') {
            setFilter('');
            event.currentTarget.blur();
          }
        }}
      />
    </div>
  );
}

/** The parse errors of the current filter, one line each, below the toolbar. */
export function FilterErrors() {
  const filterText = useStore((s) => s.filterText);
  const errors = parseFilter(filterText).errors;
  if (errors.length === 0) return null;
  return (
    <ul id="filter-errors" className="filter-errors" role="alert" aria-label="Filter errors">
      {errors.map((e, i) => (
        <li key={i}>
          <code>{e.term}</code>: {e.message}
        </li>
      ))}
    </ul>
  );
}
