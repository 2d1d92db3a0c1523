/** The wide text field naming what a probe tool looks at (a URL, host:port, a host, a port). */
export function ProbeTargetField({
  label,
  name,
  value,
  placeholder,
  autoComplete,
  onChange,
}: {
  label: string;
  name: string;
  value: string;
  placeholder: string;
  autoComplete?: string;
  onChange(value: string): void;
}) {
  return (
    <label className="probe-target">
      {label}
      <input
        type="text"
        name={name}
        value={value}
        placeholder={placeholder}
        spellCheck={false}
        autoComplete={autoComplete}
        onChange={(e) => onChange(e.target.value)}
      />
    </label>
  );
}
