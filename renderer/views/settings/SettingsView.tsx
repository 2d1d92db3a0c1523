/**
 * The settings, as a form made from the settings schema: one field per setting with its unit,
 * range, default and help. Saved settings apply to new connections at once and are written to
 * settings.json in the data directory.
 */
import { formatDuration } from '../../format';
import { useEffect, useState, type FormEvent } from 'react';
import type { Settings } from '../../../shared/settings';
import {
  DEFAULT_SETTINGS,
  SETTINGS_SCHEMA,
  SETTING_KEYS,
  formatSettingValue,
  rangeText,
  type SettingGroup,
  type SettingKey,
} from '../../../shared/settingsSchema';
import { call } from '../../api';
import { fieldsOf, parseSettingField, readForm, settingText, type SettingFields } from './settingsForm';
import './settings.css';
import { formatBytes } from '../../../shared/format';

const GROUPS: SettingGroup[] = ['Timeouts', 'Limits', 'Sessions', 'TLS interception'];

/** The schema's help marks names and values with backticks, as Markdown does (it is also the docs' text). */
function WithCode({ text }: { text: string }) {
  return <>{text.split(/`([^`]+)`/).map((part, i) => (i % 2 === 1 ? <code key={i}>{part}</code> : part))}</>;
}

function SettingField({
  settingKey,
  text,
  problem,
  onChange,
}: {
  settingKey: SettingKey;
  text: string;
  problem: string | undefined;
  onChange: (text: string) => void;
}) {
  const spec = SETTINGS_SCHEMA[settingKey];
  const id = `setting-${settingKey}`;
  const parsed = parseSettingField(settingKey, text);
  const defaultText = settingText(settingKey, DEFAULT_SETTINGS[settingKey]);
  return (
    <div className={`setting${problem ? ' invalid' : ''}`}>
      <label htmlFor={id}>{spec.label}</label>
      <div className="setting-input">
        {spec.type === 'integer' ? (
          <>
            <input
              id={id}
              name={settingKey}
              type="number"
              inputMode="numeric"
              min={spec.min}
              max={spec.max}
              step={1}
              value={text}
              aria-invalid={problem !== undefined}
              aria-describedby={`${id}-hint`}
              onChange={(e) => onChange(e.target.value)}
            />
            <span className="setting-unit">{spec.unit}</span>
            <span className="muted setting-readable">
              {parsed.ok && typeof parsed.value === 'number'
                ? parsed.value === 0 && spec.zeroMeans
                  ? spec.zeroMeans
                  : spec.unit === 'ms'
                    ? formatDuration(parsed.value)
                    : spec.unit === 'bytes'
                      ? formatBytes(parsed.value)
                      : ''
                : ''}
            </span>
          </>
        ) : (
          <textarea
            id={id}
            name={settingKey}
            rows={3}
            spellCheck={false}
            placeholder={'api.example.com\n*.internal.example'}
            value={text}
            aria-invalid={problem !== undefined}
            aria-describedby={`${id}-hint`}
            onChange={(e) => onChange(e.target.value)}
          />
        )}
        {text !== defaultText ? (
          <button type="button" className="link" onClick={() => onChange(defaultText)}>
            Default
          </button>
        ) : null}
      </div>
      <p id={`${id}-hint`} className="setting-hint">
        <WithCode text={spec.help} />{' '}
        <span className="muted">
          {spec.type === 'integer'
            ? `${rangeText(spec)}; default ${formatSettingValue(spec, spec.default)}.`
            : 'One host per line.'}
          {spec.flag ? (
            <>
              {' '}
              Flag: <code>{spec.flag}</code>.
            </>
          ) : null}
        </span>
      </p>
      {problem ? (
        <p className="form-problem" role="alert">
          {problem}
        </p>
      ) : null}
    </div>
  );
}

export function SettingsView() {
  const [saved, setSaved] = useState<Settings>();
  const [fields, setFields] = useState<SettingFields>();
  const [status, setStatus] = useState<{ kind: 'error' | 'ok'; text: string }>();
  const [saving, setSaving] = useState(false);
  const [submitted, setSubmitted] = useState(false);

  useEffect(() => {
    let cancelled = false;
    call('settings:get').then(
      (settings) => {
        if (cancelled) return;
        setSaved(settings);
        setFields(fieldsOf(settings));
      },
      (error: unknown) => {
        if (!cancelled)
          setStatus({ kind: 'error', text: `Cannot load the settings: ${(error as Error).message}` });
      },
    );
    return () => {
      cancelled = true;
    };
  }, []);

  if (!saved || !fields) {
    return (
      <section className="settings-view" aria-label="Settings">
        <h2>Settings</h2>
        {status ? <p role="alert">{status.text}</p> : <p className="muted">Loading…</p>}
      </section>
    );
  }

  const reading = readForm(saved, fields);
  const changed = Object.keys(reading.patch).length;
  const invalid = Object.keys(reading.problems).length;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (invalid > 0 || changed === 0) return;
    setSaving(true);
    setStatus(undefined);
    try {
      const next = await call('settings:update', reading.patch);
      setSaved(next);
      setFields(fieldsOf(next));
      setSubmitted(false);
      setStatus({ kind: 'ok', text: `Saved ${changed} setting${changed === 1 ? '' : 's'}.` });
    } catch (error) {
      setStatus({ kind: 'error', text: (error as Error).message });
    } finally {
      setSaving(false);
    }
  };

  return (
    <form className="settings-view" aria-label="Settings" onSubmit={submit} noValidate>
      <header className="settings-head">
        <h2>Settings</h2>
        <p className="muted">
          Saved to settings.json in the data directory; new connections use them at once. Flags of netlens
          proxy and netlens web override them for one run.
        </p>
      </header>
      {GROUPS.map((group) => (
        <fieldset key={group}>
          <legend>{group}</legend>
          {SETTING_KEYS.filter((key) => SETTINGS_SCHEMA[key].group === group).map((key) => (
            <SettingField
              key={key}
              settingKey={key}
              text={fields[key]}
              // A problem shows once the field was changed, or after a save was tried.
              problem={
                submitted || fields[key] !== settingText(key, saved[key]) ? reading.problems[key] : undefined
              }
              onChange={(text) => {
                setStatus(undefined);
                setFields({ ...fields, [key]: text });
              }}
            />
          ))}
        </fieldset>
      ))}
      <div className="settings-actions">
        <button type="submit" className="primary" disabled={saving || (changed === 0 && invalid === 0)}>
          {saving
            ? 'Saving…'
            : changed > 0
              ? `Save ${changed} change${changed === 1 ? '' : 's'}`
              : invalid > 0
                ? 'Save'
                : 'Saved'}
        </button>
        <button
          type="button"
          disabled={saving || (changed === 0 && invalid === 0)}
          onClick={() => {
            setSubmitted(false);
            setFields(fieldsOf(saved));
          }}
        >
          Discard changes
        </button>
        {status ? (
          <span
            role={status.kind === 'error' ? 'alert' : 'status'}
            className={status.kind === 'error' ? 'form-problem' : 'muted'}
          >
            {status.text}
          </span>
        ) : null}
      </div>
    </form>
  );
}
