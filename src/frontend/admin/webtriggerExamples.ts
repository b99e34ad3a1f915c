/**
 * The copyable examples of the Web trigger tab (docs/webtrigger-api.md). They read the secret from `$XTS_SECRET`,
 * never contain it: the secret is shown once, in a field of its own, and examples are copied into scripts and
 * tickets. The words around them come from the translation resources, so the code holds no sentences.
 */

/** Quotes a value for a POSIX shell, so that any URL pastes safely. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** The two variables every example reads; the secret's value is pasted by whoever sets up the executor. */
export function envExample(url: string, secretPlaceholder: string): string {
  return [`export XTS_URL=${shellQuote(url)}`, `export XTS_SECRET=${shellQuote(secretPlaceholder)}`].join('\n');
}

/**
 * A signed curl request: HMAC-SHA256 over `"<t>.<raw body>"`, sending the same bytes it signed
 * (`--data-binary "$body"`), which is what the web trigger checks.
 */
export function curlSignedExample(): string {
  return [
    'body=$(cat results.json)',
    't=$(date +%s)',
    `sig=$(printf '%s.%s' "$t" "$body" | openssl dgst -sha256 -hmac "$XTS_SECRET" -hex | sed 's/^.* //')`,
    'curl -sS --fail-with-body -X POST "$XTS_URL" \\',
    `  -H 'Content-Type: application/json' \\`,
    '  -H "X-Signature: t=$t,v1=$sig" \\',
    '  --data-binary "$body"',
  ].join('\n');
}

/** The same with the secret as a bearer token. */
export function curlBearerExample(): string {
  return [
    'curl -sS --fail-with-body -X POST "$XTS_URL" \\',
    `  -H 'Content-Type: application/json' \\`,
    '  -H "Authorization: Bearer $XTS_SECRET" \\',
    '  --data-binary @results.json',
  ].join('\n');
}

/** The executor package (its bin is `xts`), which reads `XTS_URL` and `XTS_SECRET` itself; a bare `npx xts` would fetch an unrelated package. */
export function cliExample(): string {
  return 'npx --yes testsigma-xray-cli@0.1.0 send results.json --wait';
}
