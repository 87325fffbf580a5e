// What `server-only` is on the server: nothing (the command bundles take this in its place; build-commands.ts).
export {}
