/** The copyable examples shown once after a web trigger secret is made (docs/webtrigger-api.md). */

/** Quotes a value for a POSIX shell, so that any secret or URL pastes safely. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * A curl example of both ways to authenticate. The signed form signs `"<t>.<raw body>"` and sends the same bytes it
 * signed (`--data-binary "$body"`), which is what the web trigger checks.
 */
export function curlExample(url: string, secret: string): string {
  return [
    `URL=${shellQuote(url)}`,
    `SECRET=${shellQuote(secret)}`,
    'body=$(cat results.json)',
    '',
    '# Signed (HMAC-SHA256 over "<t>.<body>"; t must be within 300 s of the app\'s clock)',
    't=$(date +%s)',
    `sig=$(printf '%s.%s' "$t" "$body" | openssl dgst -sha256 -hmac "$SECRET" -hex | sed 's/^.* //')`,
    'curl -sS -X POST "$URL" \\',
    `  -H 'Content-Type: application/json' \\`,
    '  -H "X-Signature: t=$t,v1=$sig" \\',
    '  --data-binary "$body"',
    '',
    '# Or with the secret as a bearer token',
    'curl -sS -X POST "$URL" \\',
    `  -H 'Content-Type: application/json' \\`,
    '  -H "Authorization: Bearer $SECRET" \\',
    '  --data-binary "$body"',
  ].join('\n');
}

/** The project CLI's line for the same. */
export function cliExample(url: string, secret: string): string {
  return `npx xts send results.json --url ${shellQuote(url)} --secret ${shellQuote(secret)}`;
}
