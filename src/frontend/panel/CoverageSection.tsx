import { Heading, Inline, Link, ProgressBar, Stack, Text } from '@forge/react';
import type { Coverage } from '../../shared/types';
import { browsePath } from '../common/format';
import { coverageSentence, unlinkedIntro } from './panelModel';

/** How many of a Test Set's or Test Plan's Tests are linked, and which are not (the first 50). */
export function CoverageSection({ coverage }: { coverage: Coverage }) {
  const sentence = coverageSentence(coverage);
  return (
    <Stack space="space.100">
      <Heading size="xsmall">Automation coverage</Heading>
      <Text>{sentence}</Text>
      {coverage.total > 0 && <ProgressBar value={coverage.linked / coverage.total} ariaLabel={sentence} />}
      {coverage.unlinked.length > 0 && (
        <Stack space="space.050">
          <Text size="small">{unlinkedIntro(coverage)}</Text>
          <Inline space="space.100" shouldWrap>
            {coverage.unlinked.map((test) => (
              <Link key={test.id} href={browsePath(test.key)}>
                {test.key}
              </Link>
            ))}
          </Inline>
        </Stack>
      )}
    </Stack>
  );
}
