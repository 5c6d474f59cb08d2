/**
 * Secret redaction for everything this package lets out: `displayUrl`, error messages, hints and
 * error causes. Two layers: the literal secret values a driver was configured with (and their
 * common encodings), and patterns that catch secrets we were never told about (`user:pass@` in
 * URLs, SAS signatures, connection-string keys, Authorization headers).
 */

export const REDACTED = '***';

const PATTERNS: ReadonlyArray<[RegExp, string]> = [
  // scheme://user:password@host → keep the user, hide the password.
  [/([a-z][a-z0-9+.-]*:\/\/[^/@\s:]*):[^/@\s]*@/gi, `$1:${REDACTED}@`],
  // Azure SAS and pre-signed URL query parameters, OAuth tokens.
  [
    /([?&;](?:sig|signature|x-amz-signature|x-amz-credential|x-amz-security-token|x-goog-signature|x-goog-credential|access_token|token|password|secret|key)=)[^&\s"'<>]+/gi,
    `$1${REDACTED}`,
  ],
  // Connection strings and INI-ish `key = value` / `key: value` text.
  [
    /\b(AccountKey|SharedAccessSignature|SharedAccessKey|Password|Pwd)=([^;\s"'<>]+)/gi,
    `$1=${REDACTED}`,
  ],
  [
    /\b(secret_access_key|session_token|account_key|sas_token|connection_string|client_secret|password|aws_secret_access_key|aws_session_token)(\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s,;]+)/gi,
    `$1$2${REDACTED}`,
  ],
  // HTTP Authorization headers (Basic, Bearer, SharedKey account:signature, AWS4-HMAC-SHA256 …).
  [/\b(authorization["']?\s*[:=]\s*["']?)[^"'\r\n]+/gi, `$1${REDACTED}`],
];

/** Redacts what a text may leak. Create one per remote with the secrets of its configuration. */
export class Redactor {
  readonly #secrets: string[];

  constructor(secrets: Iterable<string | undefined> = []) {
    const all = new Set<string>();
    for (const secret of secrets) {
      // Very short values (a 1–2 character password) would shred every message; the patterns
      // above still catch them in URLs and headers.
      if (!secret || secret.length < 3) continue;
      all.add(secret);
      all.add(encodeURIComponent(secret));
      all.add(Buffer.from(secret).toString('base64'));
    }
    // Longest first, so a secret that contains another is replaced whole.
    this.#secrets = [...all].sort((a, b) => b.length - a.length);
  }

  /** A redactor that also hides `more`. */
  with(more: Iterable<string | undefined>): Redactor {
    return new Redactor([...this.#secrets, ...more]);
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.#secrets) out = out.split(secret).join(REDACTED);
    for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
    return out;
  }
}

/**
 * Redacts `text` with the patterns and, when given, these literal secret values. Use it for any
 * string that may contain credentials before it is printed or stored.
 */
export function redact(text: string, secrets: Iterable<string | undefined> = []): string {
  return new Redactor(secrets).redact(text);
}
