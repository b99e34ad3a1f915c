import { useState } from 'react';
import { Button, ButtonGroup, Code, CodeBlock, Heading, Inline, SectionMessage, Stack, Text } from '@forge/react';
import type { SettingsView } from '../../shared/types';
import { ErrorMessage } from '../common/ErrorMessage';
import type { AdminCaller } from '../invoke';
import { cliExample, curlExample } from './webtriggerExamples';

/** Props of {@link WebtriggerTab}. */
export interface WebtriggerTabProps {
  call: AdminCaller;
  webtrigger: SettingsView['webtrigger'];
  onChanged: (webtrigger: SettingsView['webtrigger']) => void;
}

/**
 * The web trigger's URL and secret. The secret is shown once, right after it is made, and lives only in this
 * component's state: the backend never returns it again.
 */
export function WebtriggerTab({ call, webtrigger, onChanged }: WebtriggerTabProps) {
  const [confirming, setConfirming] = useState(false);
  const [rotating, setRotating] = useState(false);
  const [error, setError] = useState<string>();
  const [fresh, setFresh] = useState<{ secret: string; url: string }>();

  const rotate = async () => {
    setConfirming(false);
    setRotating(true);
    setError(undefined);
    const answer = await call('rotateWebtriggerSecret', {});
    setRotating(false);
    if (!answer.ok) {
      setError(answer.error.message);
      return;
    }
    // An empty url means the platform could not tell it now: keep the one already known, if any.
    const url = answer.data.url || webtrigger.url;
    setFresh({ secret: answer.data.secret, url });
    onChanged({ url, hasWebtriggerSecret: true });
  };
  const hasSecret = webtrigger.hasWebtriggerSecret;

  return (
    <Stack space="space.200">
      <Heading size="small">URL</Heading>
      {webtrigger.url ? (
        <Code>{webtrigger.url}</Code>
      ) : (
        <Text>
          The platform did not tell the app its web trigger URL. Whoever deployed the app can get it with{' '}
          <Code>forge webtrigger list</Code>.
        </Text>
      )}
      <Heading size="small">Secret</Heading>
      <Text>
        {hasSecret
          ? 'A secret is set. Executors authenticate with it as a bearer token or an HMAC signature.'
          : 'No secret yet: executors are refused until you create one.'}
      </Text>
      {confirming ? (
        <SectionMessage appearance="warning" title="Rotate the secret?">
          <Stack space="space.100">
            <Text>Every executor that uses the current secret is refused until it gets the new one.</Text>
            <Inline space="space.100">
              <Button appearance="warning" onClick={() => void rotate()}>
                Rotate now
              </Button>
              <Button appearance="subtle" onClick={() => setConfirming(false)}>
                Cancel
              </Button>
            </Inline>
          </Stack>
        </SectionMessage>
      ) : (
        <ButtonGroup>
          <Button
            isDisabled={rotating}
            onClick={() => (hasSecret ? setConfirming(true) : void rotate())}
          >
            {hasSecret ? 'Rotate secret' : 'Create secret'}
          </Button>
        </ButtonGroup>
      )}
      {error !== undefined && <ErrorMessage message={error} />}
      {fresh && <FreshSecret secret={fresh.secret} url={fresh.url} onDone={() => setFresh(undefined)} />}
    </Stack>
  );
}

function FreshSecret({ secret, url, onDone }: { secret: string; url: string; onDone: () => void }) {
  const target = url || '<web trigger URL>';
  return (
    <Stack space="space.150">
      <SectionMessage appearance="warning" title="Copy the secret now">
        <Text>It will not be shown again. Store it in your CI's secret store.</Text>
      </SectionMessage>
      <CodeBlock language="text" text={secret} />
      <Text>Send results with curl and openssl:</Text>
      <CodeBlock language="bash" text={curlExample(target, secret)} />
      <Text>Or with the command line tool:</Text>
      <CodeBlock language="bash" text={cliExample(target, secret)} />
      <ButtonGroup>
        <Button onClick={onDone}>I have copied it</Button>
      </ButtonGroup>
    </Stack>
  );
}
