// MX may echo what it was sent (a credential value in a validation message, say). Anything MX says
// passes through here with the request's secret values blanked before it lands in an error.
const MARK = '[redacted]';

export function redact(text: string, secrets: readonly string[]): string {
  const longestFirst = [...new Set(secrets)].filter((s) => s.length > 0).sort((a, b) => b.length - a.length);
  return longestFirst.reduce((out, secret) => out.split(secret).join(MARK), text);
}
