import { SectionMessage, Text } from '@forge/react';
import { ErrorMessage } from '../common/ErrorMessage';
import type { SaveOutcome } from './useSaveSettings';

/** "Settings saved", or the resolver's message when the save was refused. */
export function SaveOutcomeMessage({ outcome }: { outcome: SaveOutcome | undefined }) {
  if (!outcome) return null;
  if (!outcome.ok) return <ErrorMessage message={outcome.message} />;
  return (
    <SectionMessage appearance="success">
      <Text>Settings saved</Text>
    </SectionMessage>
  );
}
