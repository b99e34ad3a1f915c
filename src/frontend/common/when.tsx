import { Text, Tooltip } from '@forge/react';
import type { Translator } from './i18n';

/**
 * A time as "2 hours ago", with the exact time in a Tooltip. A plain function rather than a component: DynamicTable
 * calls cell components as functions, where hooks would break, so cells get UI Kit elements only.
 */
export function when(t: Translator, iso: string, size?: 'small' | 'medium') {
  return (
    <Tooltip content={t.exact(iso)}>
      <Text {...(size ? { size } : {})}>{t.relative(iso)}</Text>
    </Tooltip>
  );
}

/**
 * A time for a narrow table column: "2 hr. ago" on one line (cut, never wrapped), the exact time in a Tooltip. A plain
 * function, as {@link when}.
 */
export function whenShort(t: Translator, iso: string) {
  return (
    <Tooltip content={t.exact(iso)}>
      <Text size="small" maxLines={1}>
        {t.relative(iso, 'short')}
      </Text>
    </Tooltip>
  );
}
