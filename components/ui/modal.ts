// For <dialog> elements opened with showModal(): centred, and reset from whatever cell they sit in.
export const MODAL_CLASS =
  'm-auto w-full max-w-md rounded-lg p-0 text-left whitespace-normal shadow-xl backdrop:bg-zinc-900/40'
