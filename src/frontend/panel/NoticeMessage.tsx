import { SectionMessage, Text } from '@forge/react';
import type { PanelNotice } from '../../shared/types';
import { useT } from '../common/i18n';

/**
 * Why part of the panel is missing, in the section it explains. The sentence comes from the resources by the
 * notice's code; a code this frontend does not know yet shows the resolver's message.
 */
export function NoticeMessage({ notice }: { notice: PanelNotice }) {
  const t = useT();
  const key = `notices.${notice.code}`;
  return (
    <SectionMessage appearance={notice.code.endsWith('_not_configured') ? 'information' : 'warning'}>
      <Text>{t.has(key) ? t(key) : notice.message}</Text>
    </SectionMessage>
  );
}
