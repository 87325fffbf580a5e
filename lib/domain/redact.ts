/** For messages and logs: the text with any password in a URL, a `password=` pair, or `secrets` replaced. */
export function redact(text: string, secrets: (string | null | undefined)[] = []): string {
  let out = text.replace(/(\w+:\/\/[^:/@\s]*:)[^@\s]*@/g, '$1****@').replace(/(password\s*=\s*)\S+/gi, '$1****')
  for (const secret of secrets) if (secret && secret.length >= 3) out = out.split(secret).join('****')
  return out
}

/** A directory whose files a message may name relative to it; `name` stands for the directory itself. */
export type PathRoot = { path: string; name: string }

// An absolute POSIX path: slash-separated segments, not part of a URL ("//host", "host:5432/db"), a word
// ("read/write") or a number ("2026/11/20"). A segment stops at white space, quotes, brackets and the
// characters that end a path in messages; `*` keeps SQL's /* comments */ out.
const ABSOLUTE_PATH = /(?<![\p{L}\p{N}_.~:/\\-])(?:\/[^\s/'"“”‘’`()<>[\]{},;|*]+)+\/?/gu

/**
 * For messages people read: `text` without this server's absolute paths. A path inside one of `roots` becomes
 * its name relative to that root (the root itself, the root's `name`); any other path of two segments or more,
 * its base name. File-system and tool errors name the files they failed on in full (ENOENT: …, open
 * '/var/lib/…'), which tells a reader where the server keeps its data.
 */
export function withoutPaths(text: string, roots: PathRoot[] = []): string {
  const sorted = roots
    .map((r) => ({ ...r, path: r.path.replace(/\/+$/, '') }))
    .filter((r) => r.path)
    .sort((a, b) => b.path.length - a.path.length)
  return text.replace(ABSOLUTE_PATH, (match) => {
    // A sentence's full stop or colon after the path is not part of it.
    const path = match.replace(/[.:]+$/, '')
    const rest = match.slice(path.length)
    const root = sorted.find((r) => path === r.path || path.startsWith(`${r.path}/`))
    if (root) return (path === root.path ? root.name : path.slice(root.path.length + 1)) + rest
    const segments = path.split('/').filter(Boolean)
    return segments.length >= 2 ? (segments.at(-1) ?? '') + rest : match
  })
}
