import { useId, useRef, useState } from 'react';
import { FILTER_KEYS, parseFilter } from '../../../shared/filter';
import { useStore } from '../../store';
import { applySuggestion, filterSuggestions, termAtCaret } from './filterSuggestions';
import type { Suggestion } from './filterSuggestions';
import { newestExchanges, seenFilterValues } from './seenFilterValues';
import { chipActive, FILTER_CHIPS, toggleChip } from './filterChips';

export const FILTER_INPUT_ID = 'traffic-filter';

/** The traffic's values per filter key, read from the store when the autocomplete needs them. */
function seenValuesNow(): Record<string, string[]> {
  const { ids, byId } = useStore.getState();
  return seenFilterValues(newestExchanges(ids, byId));
}

/**
 * The filter input. The text applies as you type (each keystroke re-filters only through the
 * memoized selector); errors show inline under the bar and the bad terms are ignored. The term
 * under the caret is completed from the filter keys and their values (↑/↓, Enter or Tab).
 */
export function FilterBar({
  seenValues = seenValuesNow,
}: {
  seenValues?: () => Record<string, readonly string[]>;
}) {
  const filterText = useStore((s) => s.filterText);
  const setFilter = useStore((s) => s.setFilter);
  const errors = parseFilter(filterText).errors;
  const inputRef = useRef<HTMLInputElement>(null);
  const [caret, setCaret] = useState<number | undefined>(undefined);
  const [active, setActive] = useState(0);
  const [closed, setClosed] = useState(false);
  const listId = useId();
  // The traffic's values only when a key's value is being typed (2,000 exchanges at most).
  const seen =
    caret !== undefined && !closed && termAtCaret(filterText, caret).key !== undefined ? seenValues() : {};
  const suggestions: Suggestion[] =
    caret === undefined || closed ? [] : filterSuggestions(filterText, caret, seen);
  const open = suggestions.length > 0;
  const help = Object.values(FILTER_KEYS)
    .map((k) => `${k.example}: ${k.description}`)
    .join('\n');

  const accept = (suggestion: Suggestion) => {
    const next = applySuggestion(filterText, caret ?? filterText.length, suggestion);
    setFilter(next.text);
    setCaret(next.caret);
    setActive(0);
    requestAnimationFrame(() => inputRef.current?.setSelectionRange(next.caret, next.caret));
  };

  return (
    <div className="filter-bar">
      <input
        ref={inputRef}
        id={FILTER_INPUT_ID}
        type="search"
        role="searchbox"
        aria-label="Filter exchanges"
        aria-invalid={errors.length > 0}
        aria-describedby={errors.length > 0 ? 'filter-errors' : undefined}
        aria-autocomplete="list"
        aria-controls={open ? listId : undefined}
        aria-activedescendant={open ? `${listId}-${active}` : undefined}
        placeholder="Filter (/): status:5xx host:… is:error -method:GET"
        title={help}
        value={filterText}
        spellCheck={false}
        autoComplete="off"
        onChange={(event) => {
          setFilter(event.target.value);
          setCaret(event.target.selectionStart ?? event.target.value.length);
          setActive(0);
          setClosed(false);
        }}
        onFocus={(event) => setCaret(event.target.selectionStart ?? event.target.value.length)}
        onBlur={() => setCaret(undefined)}
        onKeyDown={(event) => {
          if (open && (event.key === 'ArrowDown' || event.key === 'ArrowUp')) {
            event.preventDefault();
            // Inside the box the arrows move in the list, not the traffic's selection.
            event.stopPropagation();
            const step = event.key === 'ArrowDown' ? 1 : -1;
            setActive((i) => (i + step + suggestions.length) % suggestions.length);
            return;
          }
          if (open && (event.key === 'Enter' || event.key === 'Tab')) {
            event.preventDefault();
            accept(suggestions[Math.min(active, suggestions.length - 1)]!);
            return;
          }
          if (event.key === 'Escape') {
            if (open) {
              setClosed(true);
              event.stopPropagation();
              return;
            }
            setFilter('');
            event.currentTarget.blur();
          }
        }}
      />
      {open && (
        <ul id={listId} className="filter-suggestions" role="listbox" aria-label="Filter suggestions">
          {suggestions.map((s, i) => (
            <li
              key={s.text}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === active}
              // mousedown, not click: the input must not lose its caret first.
              onMouseDown={(event) => {
                event.preventDefault();
                accept(s);
              }}
            >
              <code>{s.text}</code>
              <span className="muted">{s.description}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** Quick chips: resource types and failures, each toggling one term of the filter. */
export function FilterChips() {
  const filterText = useStore((s) => s.filterText);
  const setFilter = useStore((s) => s.setFilter);
  return (
    <div className="filter-chips" role="group" aria-label="Quick filters">
      {FILTER_CHIPS.map((chip, i) => (
        <button
          key={chip.term}
          type="button"
          className={`chip${chip.group === 'failure' ? ' failure' : ''}${i > 0 && FILTER_CHIPS[i - 1]!.group !== chip.group ? ' group-start' : ''}`}
          aria-pressed={chipActive(filterText, chip)}
          title={`${chip.title} (${chip.term})`}
          onClick={() => setFilter(toggleChip(filterText, chip))}
        >
          {chip.label}
        </button>
      ))}
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
