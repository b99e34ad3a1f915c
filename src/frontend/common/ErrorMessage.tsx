import { Button, SectionMessage, Stack, Text } from '@forge/react';

/** Props of {@link ErrorMessage}. */
export interface ErrorMessageProps {
  /** The resolver's message, shown exactly as sent. */
  message: string;
  /** When given, a "Try again" button calls it. */
  onRetry?: () => void;
  title?: string;
}

/** An error SectionMessage showing a resolver's message verbatim, with an optional "Try again". */
export function ErrorMessage({ message, onRetry, title }: ErrorMessageProps) {
  return (
    <SectionMessage appearance="error" title={title}>
      <Stack space="space.100">
        <Text>{message}</Text>
        {onRetry && (
          <Button onClick={onRetry}>Try again</Button>
        )}
      </Stack>
    </SectionMessage>
  );
}
