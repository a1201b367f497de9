import { useId } from 'react';

export function FilterBox({
  value,
  onChange,
  label,
  placeholder,
  testId,
}: {
  value: string;
  onChange(value: string): void;
  label: string;
  placeholder: string;
  testId: string;
}) {
  const id = useId();
  return (
    <span className="filter">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="search"
        value={value}
        placeholder={placeholder}
        data-testid={testId}
        spellCheck={false}
        onChange={(e) => onChange(e.currentTarget.value)}
      />
    </span>
  );
}
