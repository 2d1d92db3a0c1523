/**
 * The form of one rule: match, conditions, fault, HTTP answer and rewrites, probability, `times`,
 * `continue`. It edits a draft in the rules-file format (ruleDraft.ts); each problem the engine's
 * validator finds is shown under its field with the validator's own words and JSON path. Nothing
 * is saved while there is one.
 */
import { useId, useState, type ReactNode } from 'react';
import { INJECTABLE_CLASSES, LATENCY_WHERE, RULE_FAULT_TYPES, type RuleProblem } from '../../../shared/rules';
import {
  linesFromRecord,
  listFromText,
  numberFromText,
  problemsByField,
  recordFromLines,
  valueAt,
  withValueAt,
  type RuleDraft,
} from './ruleDraft';

/** Every path the form shows problems under (a problem goes to the longest one its path starts with). */
export const RULE_FORM_FIELDS = [
  'name',
  'enabled',
  'continue',
  'probability',
  'times',
  'match',
  'match.host',
  'match.path',
  'match.method',
  'match.port',
  'match.header',
  'match.source',
  'latency',
  'latency.ms',
  'latency.jitterMs',
  'latency.where',
  'bandwidth',
  'bandwidth.downKBps',
  'bandwidth.upKBps',
  'slice',
  'slice.averageBytes',
  'slice.variationBytes',
  'slice.delayMs',
  'limitData',
  'limitData.bytes',
  'slowClose',
  'slowClose.delayMs',
  'fault',
  'fault.type',
  'fault.class',
  'fault.afterBytes',
  'fault.afterMs',
  'fault.closeAfterMs',
  'respond',
  'respond.status',
  'respond.statusText',
  'respond.headers',
  'respond.body',
  'respond.bodyFile',
  'mapLocal',
  'block',
  'rewrite',
  'rewrite.url',
  'rewrite.requestHeaders.set',
  'rewrite.requestHeaders.remove',
  'rewrite.responseHeaders.set',
  'rewrite.responseHeaders.remove',
  'rewrite.responseBody',
] as const;

type Answer = 'none' | 'respond' | 'mapLocal' | 'block';

function answerOf(draft: RuleDraft): Answer {
  if (draft.respond !== undefined) return 'respond';
  if (draft.mapLocal !== undefined) return 'mapLocal';
  if (draft.block !== undefined) return 'block';
  return 'none';
}

interface FieldContext {
  draft: RuleDraft;
  onChange(draft: RuleDraft): void;
  problems: Map<string, string[]>;
}

function Problems({ messages, path }: { messages: string[] | undefined; path: string }) {
  if (!messages || messages.length === 0) return null;
  return (
    <>
      {messages.map((message) => (
        <span key={message} className="rule-problem" role="alert">
          {path}: {message}
        </span>
      ))}
    </>
  );
}

/** A labelled control with the problems of `path` under it. */
function Field({
  ctx,
  path,
  label,
  wide,
  children,
}: {
  ctx: FieldContext;
  path: string;
  label: string;
  wide?: boolean;
  children: (id: string, invalid: boolean) => ReactNode;
}) {
  const id = useId();
  const messages = ctx.problems.get(path);
  return (
    <div className={`rule-field${wide ? ' wide' : ''}${messages ? ' invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children(id, messages !== undefined)}
      <Problems messages={messages} path={path} />
    </div>
  );
}

function TextField({
  ctx,
  path,
  label,
  placeholder,
  wide,
}: {
  ctx: FieldContext;
  path: string;
  label: string;
  placeholder?: string;
  wide?: boolean;
}) {
  const value = valueAt(ctx.draft, path);
  return (
    <Field ctx={ctx} path={path} label={label} wide={wide}>
      {(id, invalid) => (
        <input
          id={id}
          type="text"
          spellCheck={false}
          aria-invalid={invalid}
          placeholder={placeholder}
          value={typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value)}
          onChange={(e) =>
            ctx.onChange(withValueAt(ctx.draft, path, e.target.value === '' ? undefined : e.target.value))
          }
        />
      )}
    </Field>
  );
}

/**
 * How a value that is not text itself (a number, header lines, a list) is shown in a text control
 * and read back from it.
 */
interface TextForm {
  format(value: unknown): string;
  parse(text: string): unknown;
  /** A textarea across the form's width (one `Name: value` per line). */
  multiline?: boolean;
  inputMode?: 'decimal';
  className?: string;
}

const TEXT_FORMS = {
  number: {
    format: (v) => (v === undefined ? '' : String(v)),
    parse: numberFromText,
    inputMode: 'decimal',
    className: 'num-input',
  },
  lines: { format: linesFromRecord, parse: recordFromLines, multiline: true },
  list: { format: (v) => (Array.isArray(v) ? v.join(', ') : ''), parse: listFromText },
} as const satisfies Record<string, TextForm>;

/**
 * A field over a value kept in another form than its text (TEXT_FORMS). The text typed is kept
 * as typed while it still stands for the value (`1.` for 1), and follows the value when
 * something else changes it.
 */
function FormattedField({
  ctx,
  path,
  label,
  placeholder,
  form: formName,
}: {
  ctx: FieldContext;
  path: string;
  label: string;
  placeholder?: string;
  form: keyof typeof TEXT_FORMS;
}) {
  const form: TextForm = TEXT_FORMS[formName];
  const value = valueAt(ctx.draft, path);
  const [text, setText] = useState(() => form.format(value));
  // Adjusted while rendering (React's "storing information from previous renders"), not in an effect.
  const [seen, setSeen] = useState(value);
  if (seen !== value) {
    setSeen(value);
    if (JSON.stringify(form.parse(text)) !== JSON.stringify(value)) setText(form.format(value));
  }
  const change = (next: string) => {
    setText(next);
    ctx.onChange(withValueAt(ctx.draft, path, form.parse(next)));
  };
  return (
    <Field ctx={ctx} path={path} label={label} wide={form.multiline}>
      {(id, invalid) => {
        const common = { id, placeholder, 'aria-invalid': invalid, spellCheck: false, value: text };
        return form.multiline ? (
          <textarea {...common} rows={3} onChange={(e) => change(e.target.value)} />
        ) : (
          <input
            {...common}
            type="text"
            inputMode={form.inputMode}
            className={form.className}
            onChange={(e) => change(e.target.value)}
          />
        );
      }}
    </Field>
  );
}

function SelectField({
  ctx,
  path,
  label,
  options,
  empty,
}: {
  ctx: FieldContext;
  path: string;
  label: string;
  options: readonly string[];
  /** The text of "absent" (the default), when the key may be absent. */
  empty?: string;
}) {
  const value = valueAt(ctx.draft, path);
  return (
    <Field ctx={ctx} path={path} label={label}>
      {(id, invalid) => (
        <select
          id={id}
          aria-invalid={invalid}
          value={typeof value === 'string' ? value : ''}
          onChange={(e) =>
            ctx.onChange(withValueAt(ctx.draft, path, e.target.value === '' ? undefined : e.target.value))
          }
        >
          {empty !== undefined && <option value="">{empty}</option>}
          {options.map((option) => (
            <option key={option} value={option}>
              {option}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

function CheckField({
  ctx,
  path,
  label,
  whenAbsent,
}: {
  ctx: FieldContext;
  path: string;
  label: string;
  whenAbsent: boolean;
}) {
  const value = valueAt(ctx.draft, path);
  const messages = ctx.problems.get(path);
  return (
    <div className={`rule-field check${messages ? ' invalid' : ''}`}>
      <label>
        <input
          type="checkbox"
          checked={value === undefined ? whenAbsent : value === true}
          onChange={(e) =>
            ctx.onChange(
              withValueAt(ctx.draft, path, e.target.checked === whenAbsent ? undefined : e.target.checked),
            )
          }
        />{' '}
        {label}
      </label>
      <Problems messages={messages} path={path} />
    </div>
  );
}

function Section({
  ctx,
  path,
  title,
  hint,
  children,
}: {
  ctx: FieldContext;
  path?: string;
  title: string;
  hint?: string;
  children: ReactNode;
}) {
  return (
    <fieldset className="rule-section">
      <legend>{title}</legend>
      {hint && <p className="muted rule-hint">{hint}</p>}
      <div className="rule-fields">{children}</div>
      {path && <Problems messages={ctx.problems.get(path)} path={path} />}
    </fieldset>
  );
}

interface Replacement {
  find?: unknown;
  replace?: unknown;
  regex?: unknown;
}

function BodyReplacements({ ctx }: { ctx: FieldContext }) {
  const path = 'rewrite.responseBody';
  const value = valueAt(ctx.draft, path);
  const list: Replacement[] = Array.isArray(value) ? (value as Replacement[]) : [];
  const set = (next: Replacement[]) =>
    ctx.onChange(withValueAt(ctx.draft, path, next.length > 0 ? next : undefined));
  return (
    <div className={`rule-field wide${ctx.problems.has(path) ? ' invalid' : ''}`}>
      <span className="rule-field-label">Response body: replace text</span>
      {list.map((item, i) => (
        <div key={i} className="rule-replacement">
          <input
            type="text"
            aria-label={`Find ${i + 1}`}
            placeholder="find"
            spellCheck={false}
            value={typeof item.find === 'string' ? item.find : ''}
            onChange={(e) => set(list.map((r, j) => (j === i ? { ...r, find: e.target.value } : r)))}
          />
          <input
            type="text"
            aria-label={`Replace ${i + 1}`}
            placeholder="replace with"
            spellCheck={false}
            value={typeof item.replace === 'string' ? item.replace : ''}
            onChange={(e) => set(list.map((r, j) => (j === i ? { ...r, replace: e.target.value } : r)))}
          />
          <label>
            <input
              type="checkbox"
              checked={item.regex === true}
              onChange={(e) =>
                set(
                  list.map((r, j) => {
                    if (j !== i) return r;
                    const { regex: _regex, ...rest } = r;
                    return e.target.checked ? { ...rest, regex: true } : rest;
                  }),
                )
              }
            />{' '}
            regex
          </label>
          <button
            type="button"
            aria-label={`Remove replacement ${i + 1}`}
            onClick={() => set(list.filter((_, j) => j !== i))}
          >
            ✕
          </button>
        </div>
      ))}
      <button type="button" onClick={() => set([...list, { find: '', replace: '' }])}>
        Add replacement
      </button>
      <Problems messages={ctx.problems.get(path)} path={path} />
    </div>
  );
}

export function RuleEditor({
  draft,
  onChange,
  problems,
  showProblems,
}: {
  draft: RuleDraft;
  onChange(draft: RuleDraft): void;
  problems: readonly RuleProblem[];
  /** Problems are shown once the user tried to save (a new rule is not all red from the start). */
  showProblems: boolean;
}) {
  const byField = showProblems ? problemsByField(problems, RULE_FORM_FIELDS) : new Map<string, string[]>();
  const ctx: FieldContext = { draft, onChange, problems: byField };
  const answer = answerOf(draft);
  const faultType = valueAt(draft, 'fault.type');
  const setAnswer = (next: Answer) => {
    let d = withValueAt(
      withValueAt(withValueAt(draft, 'respond', undefined), 'mapLocal', undefined),
      'block',
      undefined,
    );
    if (next === 'respond') d = withValueAt(d, 'respond', { status: 503 });
    if (next === 'mapLocal') d = withValueAt(d, 'mapLocal', '');
    if (next === 'block') d = withValueAt(d, 'block', true);
    onChange(d);
  };
  const setFaultType = (type: string) => {
    if (type === '') onChange(withValueAt(draft, 'fault', undefined));
    else
      onChange(withValueAt(draft, 'fault', type === 'fail' ? { type, class: 'connection_reset' } : { type }));
  };

  return (
    <div className="rule-editor">
      <Problems messages={byField.get('')} path="rule" />
      <Section ctx={ctx} title="Rule">
        <TextField ctx={ctx} path="name" label="Name" placeholder="Slow API" />
        <FormattedField
          form="number"
          ctx={ctx}
          path="probability"
          label="Probability (0–1)"
          placeholder="1"
        />
        <FormattedField form="number" ctx={ctx} path="times" label="At most (times)" placeholder="no limit" />
        <CheckField ctx={ctx} path="enabled" label="Enabled" whenAbsent />
        <CheckField ctx={ctx} path="continue" label="Continue: later rules may act too" whenAbsent={false} />
      </Section>

      <Section
        ctx={ctx}
        path="match"
        title="Match"
        hint="Empty fields match everything. Globs: * ? [a-z] {a,b}."
      >
        <TextField ctx={ctx} path="match.host" label="Host (glob)" placeholder="*.example.com" />
        <TextField ctx={ctx} path="match.path" label="Path (glob)" placeholder="/v1/*" />
        <TextField ctx={ctx} path="match.method" label="Method" placeholder="GET,HEAD" />
        <FormattedField form="number" ctx={ctx} path="match.port" label="Port" placeholder="any" />
        <TextField ctx={ctx} path="match.source" label="Source" placeholder="chromium or chromium#1" />
        <FormattedField
          form="lines"
          ctx={ctx}
          path="match.header"
          label="Headers (one Name: value glob per line; a name alone: present)"
          placeholder="X-Env: staging"
        />
      </Section>

      <Section ctx={ctx} title="Conditions">
        <FormattedField form="number" ctx={ctx} path="latency.ms" label="Latency (ms)" />
        <FormattedField form="number" ctx={ctx} path="latency.jitterMs" label="± jitter (ms)" />
        <SelectField
          ctx={ctx}
          path="latency.where"
          label="Latency where"
          options={LATENCY_WHERE}
          empty="response (default)"
        />
        <FormattedField
          form="number"
          ctx={ctx}
          path="bandwidth.downKBps"
          label="Down (KB/s)"
          placeholder="unlimited"
        />
        <FormattedField
          form="number"
          ctx={ctx}
          path="bandwidth.upKBps"
          label="Up (KB/s)"
          placeholder="unlimited"
        />
        <FormattedField form="number" ctx={ctx} path="slice.averageBytes" label="Slice size (bytes)" />
        <FormattedField form="number" ctx={ctx} path="slice.variationBytes" label="± variation (bytes)" />
        <FormattedField form="number" ctx={ctx} path="slice.delayMs" label="Between slices (ms)" />
        <FormattedField form="number" ctx={ctx} path="limitData.bytes" label="Close after (response bytes)" />
        <FormattedField form="number" ctx={ctx} path="slowClose.delayMs" label="Slow close (ms)" />
        <Problems messages={byField.get('latency')} path="latency" />
        <Problems messages={byField.get('bandwidth')} path="bandwidth" />
        <Problems messages={byField.get('slice')} path="slice" />
        <Problems messages={byField.get('limitData')} path="limitData" />
        <Problems messages={byField.get('slowClose')} path="slowClose" />
      </Section>

      <Section ctx={ctx} path="fault" title="Fault">
        <Field ctx={ctx} path="fault.type" label="Fault">
          {(id, invalid) => (
            <select
              id={id}
              aria-invalid={invalid}
              value={typeof faultType === 'string' ? faultType : ''}
              onChange={(e) => setFaultType(e.target.value)}
            >
              <option value="">none</option>
              {RULE_FAULT_TYPES.map((type) => (
                <option key={type} value={type}>
                  {type === 'fail' ? 'fail as a class' : type}
                </option>
              ))}
            </select>
          )}
        </Field>
        {faultType === 'fail' && (
          <SelectField ctx={ctx} path="fault.class" label="Class" options={INJECTABLE_CLASSES} />
        )}
        {(faultType === 'reset' ||
          (faultType === 'fail' && valueAt(draft, 'fault.class') === 'incomplete_response')) && (
          <FormattedField
            form="number"
            ctx={ctx}
            path="fault.afterBytes"
            label="After (response bytes)"
            placeholder={faultType === 'reset' ? 'before the response' : 'half the body'}
          />
        )}
        {faultType === 'fail' && (
          <FormattedField
            form="number"
            ctx={ctx}
            path="fault.afterMs"
            label="After (ms)"
            placeholder="default"
          />
        )}
        {faultType === 'timeout' && (
          <FormattedField
            form="number"
            ctx={ctx}
            path="fault.closeAfterMs"
            label="Close after (ms)"
            placeholder="never"
          />
        )}
      </Section>

      <Section ctx={ctx} title="Answer">
        <Field ctx={ctx} path="answer" label="Answer">
          {(id) => (
            <select id={id} value={answer} onChange={(e) => setAnswer(e.target.value as Answer)}>
              <option value="none">from the server</option>
              <option value="respond">mock response</option>
              <option value="mapLocal">map local (a file)</option>
              <option value="block">block (403)</option>
            </select>
          )}
        </Field>
        {answer === 'respond' && (
          <>
            <FormattedField form="number" ctx={ctx} path="respond.status" label="Status" />
            <TextField ctx={ctx} path="respond.statusText" label="Status text" placeholder="standard" />
            <TextField
              ctx={ctx}
              path="respond.bodyFile"
              label="Body file"
              placeholder="instead of the body below"
            />
            <FormattedField
              form="lines"
              ctx={ctx}
              path="respond.headers"
              label="Headers (one Name: value per line)"
              placeholder="Retry-After: 1"
            />
            <Field ctx={ctx} path="respond.body" label="Body (text)" wide>
              {(id, invalid) => (
                <textarea
                  id={id}
                  rows={3}
                  spellCheck={false}
                  aria-invalid={invalid}
                  value={
                    typeof draft.respond === 'object' && typeof valueAt(draft, 'respond.body') === 'string'
                      ? (valueAt(draft, 'respond.body') as string)
                      : ''
                  }
                  onChange={(e) =>
                    onChange(
                      withValueAt(draft, 'respond.body', e.target.value === '' ? undefined : e.target.value),
                    )
                  }
                />
              )}
            </Field>
          </>
        )}
        {answer === 'mapLocal' && (
          <TextField ctx={ctx} path="mapLocal" label="File" placeholder="/path/to/file.json" wide />
        )}
        <Problems messages={byField.get('respond')} path="respond" />
        <Problems messages={byField.get('block')} path="block" />
      </Section>

      <Section ctx={ctx} path="rewrite" title="Rewrite">
        <TextField
          ctx={ctx}
          path="rewrite.url"
          label="Map remote (URL)"
          placeholder="http://127.0.0.1:8080/"
          wide
        />
        <FormattedField
          form="lines"
          ctx={ctx}
          path="rewrite.requestHeaders.set"
          label="Request headers to set"
          placeholder="X-Debug: 1"
        />
        <FormattedField
          form="list"
          ctx={ctx}
          path="rewrite.requestHeaders.remove"
          label="Request headers to remove"
          placeholder="Cookie, Authorization"
        />
        <FormattedField
          form="lines"
          ctx={ctx}
          path="rewrite.responseHeaders.set"
          label="Response headers to set"
          placeholder="Cache-Control: no-store"
        />
        <FormattedField
          form="list"
          ctx={ctx}
          path="rewrite.responseHeaders.remove"
          label="Response headers to remove"
          placeholder="ETag"
        />
        <BodyReplacements ctx={ctx} />
      </Section>
    </div>
  );
}
