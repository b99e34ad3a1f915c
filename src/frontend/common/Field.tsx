import type { ReactNode } from 'react';
import { Box, ErrorMessage as FieldError, HelperMessage, Label, Stack, Text, ValidMessage, xcss } from '@forge/react';
import { useT } from './i18n';

/** A line under a field: its error, a confirmation, or information (UI Kit's form messages). */
export interface FieldMessage {
  kind: 'error' | 'valid' | 'helper';
  /** Plain text: a Text element inside would lose the message's colour. */
  text: string;
}

/** Props of {@link Field}. */
export interface FieldProps {
  /** The id of the control the label names. */
  id: string;
  label: string;
  /** A line of help under the control. */
  help?: string;
  /** Marks the label "(required)": the form cannot work without it. */
  required?: boolean;
  /** What the last save or test said about this field, right under it rather than at the end of the form. */
  message?: FieldMessage;
  /** Holds the control to about 480 px (Selects take no width of their own), so a form does not span a wide page. */
  narrow?: boolean;
  children: ReactNode;
}

/** About 480 px: an id, a key or a project name fits. */
export const FIELD_WIDTH = 480;
const NARROW = xcss({ maxWidth: `${FIELD_WIDTH}px` });

/** A labelled form control, outside a UI Kit `Form` (these forms save partial patches, not whole forms). */
export function Field({ id, label, help, required, message, narrow, children }: FieldProps) {
  const t = useT();
  return (
    <Stack space="space.050">
      <Label labelFor={id}>{required ? t('common.required', { label }) : label}</Label>
      {narrow ? <Box xcss={NARROW}>{children}</Box> : children}
      {message?.kind === 'error' && <FieldError>{message.text}</FieldError>}
      {message?.kind === 'valid' && <ValidMessage>{message.text}</ValidMessage>}
      {message?.kind === 'helper' && <HelperMessage>{message.text}</HelperMessage>}
      {help !== undefined && <Text size="small">{help}</Text>}
    </Stack>
  );
}
