import { Link, Text } from '@forge/react';
import { browsePath } from './format';

// A Jira issue key as it appears in a sentence ("PROJ-12"): a project key of capitals, digits and underscores.
const ISSUE_KEY = /\b([A-Z][A-Z0-9_]+-\d+)\b/g;

/**
 * A sentence with every Jira issue key in it as a link to that issue ("already linked to SHOP-3" lets the user go
 * there). The sentence is the resolver's, as sent (contract section 7); only the keys become links.
 */
export function textWithIssueLinks(sentence: string) {
  const parts = sentence.split(ISSUE_KEY);
  if (parts.length === 1) return <Text>{sentence}</Text>;
  return (
    <Text>
      {parts.map((part, i) =>
        i % 2 === 1 ? (
          <Link key={i} href={browsePath(part)}>
            {part}
          </Link>
        ) : (
          part
        ),
      )}
    </Text>
  );
}
