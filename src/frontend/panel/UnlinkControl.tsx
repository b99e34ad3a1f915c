import { useState } from 'react';
import { Button, Inline, Text } from '@forge/react';

/** Props of {@link UnlinkControl}. */
export interface UnlinkControlProps {
  /** How the link is named in the question: "TS-609". */
  label: string;
  /** Another change is on its way: nothing may start now. */
  busy: boolean;
  onConfirm: () => void;
}

/**
 * An "Unlink" button that asks first, inline ("Unlink TS-609?"), because an unlink of a Testsigma case also stops
 * its results from reaching this Test, and a mis-click should not do that silently.
 */
export function UnlinkControl({ label, busy, onConfirm }: UnlinkControlProps) {
  const [confirming, setConfirming] = useState(false);
  if (!confirming) {
    return (
      <Button appearance="subtle" spacing="compact" isDisabled={busy} onClick={() => setConfirming(true)}>
        Unlink
      </Button>
    );
  }
  return (
    <Inline space="space.100" alignBlock="center" shouldWrap>
      <Text>{`Unlink ${label}?`}</Text>
      <Button
        appearance="danger"
        spacing="compact"
        isDisabled={busy}
        onClick={() => {
          setConfirming(false);
          onConfirm();
        }}
      >
        Yes, unlink
      </Button>
      <Button appearance="subtle" spacing="compact" onClick={() => setConfirming(false)}>
        Cancel
      </Button>
    </Inline>
  );
}
