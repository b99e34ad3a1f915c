import type { ReactNode } from 'react';
import { Label, Stack, Text } from '@forge/react';
import { useT } from './i18n';

/** Props of {@link Field}. */
export interface FieldProps {
  /** The id of the control the label names. */
  id: string;
  label: string;
  /** A line of help under the control. */
  help?: string;
  /** Marks the label "(required)": the form cannot work without it. */
  required?: boolean;
  children: ReactNode;
}

/** A labelled form control, outside a UI Kit `Form` (these forms save partial patches, not whole forms). */
export function Field({ id, label, help, required, children }: FieldProps) {
  const t = useT();
  return (
    <Stack space="space.050">
      <Label labelFor={id}>{required ? t('common.required', { label }) : label}</Label>
      {children}
      {help !== undefined && <Text size="small">{help}</Text>}
    </Stack>
  );
}
