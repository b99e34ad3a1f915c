import type { ReactNode } from 'react';
import { Label, Stack, Text } from '@forge/react';

/** Props of {@link Field}. */
export interface FieldProps {
  /** The id of the control the label names. */
  id: string;
  label: string;
  /** A line of help under the control. */
  help?: string;
  children: ReactNode;
}

/** A labelled form control, outside a UI Kit `Form` (these forms save partial patches, not whole forms). */
export function Field({ id, label, help, children }: FieldProps) {
  return (
    <Stack space="space.050">
      <Label labelFor={id}>{label}</Label>
      {children}
      {help !== undefined && <Text size="small">{help}</Text>}
    </Stack>
  );
}
