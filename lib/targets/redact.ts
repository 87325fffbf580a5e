/** For messages and logs: the text with any password in a URL, a `password=` pair, or `secrets` replaced. */
export function redact(text: string, secrets: (string | null | undefined)[] = []): string {
  let out = text.replace(/(\w+:\/\/[^:/@\s]*:)[^@\s]*@/g, '$1****@').replace(/(password\s*=\s*)\S+/gi, '$1****')
  for (const secret of secrets) if (secret && secret.length >= 3) out = out.split(secret).join('****')
  return out
}
