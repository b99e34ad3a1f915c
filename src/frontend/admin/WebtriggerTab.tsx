import { useState } from 'react';
import {
  Button,
  ButtonGroup,
  Code,
  CodeBlock,
  Heading,
  Inline,
  LoadingButton,
  SectionMessage,
  Stack,
  Tab,
  TabList,
  TabPanel,
  Tabs,
  Text,
  Textfield,
} from '@forge/react';
import type { SettingsView } from '../../shared/types';
import { ErrorMessage, type ShownError } from '../common/ErrorMessage';
import { Field } from '../common/Field';
import type { Notify } from '../common/flag';
import { useT } from '../common/i18n';
import type { AdminCaller } from '../invoke';
import { cliExample, curlBearerExample, curlSignedExample, envExample } from './webtriggerExamples';

/** The ways to send results, one tab each: the executor, a signed curl, a curl with the secret as a Bearer token. */
const examples = [
  { label: 'admin.webtrigger.example.cli', intro: 'admin.webtrigger.cliIntro', text: cliExample },
  { label: 'admin.webtrigger.example.signed', intro: 'admin.webtrigger.signedIntro', text: curlSignedExample },
  { label: 'admin.webtrigger.example.bearer', intro: 'admin.webtrigger.bearerIntro', text: curlBearerExample },
] as const;

/** Props of {@link WebtriggerTab}. */
export interface WebtriggerTabProps {
  call: AdminCaller;
  webtrigger: SettingsView['webtrigger'];
  notify: Notify;
  onChanged: (webtrigger: SettingsView['webtrigger']) => void;
}

/**
 * The web trigger's URL (a read-only field, easy to select and copy), the secret, and examples that read the secret
 * from `$XTS_SECRET`. A new secret is shown once, in a field of its own, and lives only in this component's state:
 * the backend never returns it again.
 */
export function WebtriggerTab({ call, webtrigger, notify, onChanged }: WebtriggerTabProps) {
  const t = useT();
  const [confirming, setConfirming] = useState(false);
  const [rotating, setRotating] = useState(false);
  const [error, setError] = useState<ShownError>();
  const [fresh, setFresh] = useState<string>();

  const rotate = async () => {
    setConfirming(false);
    setRotating(true);
    setError(undefined);
    const answer = await call('rotateWebtriggerSecret', {});
    setRotating(false);
    if (!answer.ok) {
      setError(answer.error);
      return;
    }
    // An empty url means the platform could not tell it now: keep the one already known, if any.
    const url = answer.data.url || webtrigger.url;
    setFresh(answer.data.secret);
    onChanged({ url, hasWebtriggerSecret: true });
    notify(t(hasSecret ? 'admin.webtrigger.rotated' : 'admin.webtrigger.created'));
  };
  const hasSecret = webtrigger.hasWebtriggerSecret;
  const url = webtrigger.url || t('admin.webtrigger.urlPlaceholder');

  return (
    <Stack space="space.200">
      <Heading size="small">{t('admin.webtrigger.urlHeading')}</Heading>
      {webtrigger.url ? (
        <Field id="webtrigger-url" label={t('admin.webtrigger.urlLabel')} help={t('admin.webtrigger.urlHelp')}>
          <Textfield id="webtrigger-url" isReadOnly isMonospaced value={webtrigger.url} />
        </Field>
      ) : (
        <Inline space="space.050" shouldWrap>
          <Text>{t('admin.webtrigger.noUrl')}</Text>
          <Code>forge webtrigger list</Code>
        </Inline>
      )}
      <Heading size="small">{t('admin.webtrigger.secretHeading')}</Heading>
      <Text>{t(hasSecret ? 'admin.webtrigger.secretSet' : 'admin.webtrigger.noSecret')}</Text>
      {fresh && (
        <SectionMessage appearance="warning" title={t('admin.webtrigger.copyNow')}>
          <Stack space="space.100">
            <Text>{t('admin.webtrigger.copyNowBody')}</Text>
            <Field id="webtrigger-new-secret" label={t('admin.webtrigger.newSecret')}>
              <Textfield id="webtrigger-new-secret" isReadOnly isMonospaced value={fresh} />
            </Field>
            <Inline>
              <ButtonGroup>
              <Button onClick={() => setFresh(undefined)}>{t('admin.webtrigger.copied')}</Button>
              </ButtonGroup>
            </Inline>
          </Stack>
        </SectionMessage>
      )}
      {confirming ? (
        <SectionMessage appearance="warning" title={t('admin.webtrigger.rotateTitle')}>
          <Stack space="space.100">
            <Text>{t('admin.webtrigger.rotateBody')}</Text>
            <Inline space="space.100">
              <Button appearance="warning" onClick={() => void rotate()}>
                {t('admin.webtrigger.rotateNow')}
              </Button>
              <Button appearance="subtle" onClick={() => setConfirming(false)}>
                {t('common.cancel')}
              </Button>
            </Inline>
          </Stack>
        </SectionMessage>
      ) : (
        <Inline>
          <ButtonGroup>
          <LoadingButton isLoading={rotating} onClick={() => (hasSecret ? setConfirming(true) : void rotate())}>
            {t(hasSecret ? 'admin.webtrigger.rotate' : 'admin.webtrigger.create')}
          </LoadingButton>
          </ButtonGroup>
        </Inline>
      )}
      {error && <ErrorMessage error={error} onRetry={() => void rotate()} />}
      <Heading size="small">{t('admin.webtrigger.examplesHeading')}</Heading>
      <Text>{t('admin.webtrigger.envIntro')}</Text>
      <CodeBlock language="bash" text={envExample(url, t('admin.webtrigger.secretPlaceholder'))} />
      {/* One way at a time: the three ways do the same, and a page of three code blocks reads as three steps. */}
      <Tabs id="webtrigger-examples">
        <TabList>
          {examples.map((e) => (
            <Tab key={e.label}>{t(e.label)}</Tab>
          ))}
        </TabList>
        {examples.map((e) => (
          <TabPanel key={e.label}>
            <Stack space="space.100">
              <Text>{t(e.intro)}</Text>
              <CodeBlock language="bash" text={e.text()} />
            </Stack>
          </TabPanel>
        ))}
      </Tabs>
    </Stack>
  );
}
