export function ProgressBar({ value, label }: { value: number; label: string }) {
  const clamped = Math.max(0, Math.min(100, Math.round(value)))
  return (
    <div className="flex items-center gap-2">
      <div
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={clamped}
        className="h-2 w-full min-w-16 overflow-hidden rounded-full bg-zinc-200"
      >
        <div className="h-full rounded-full bg-indigo-600" style={{ width: `${clamped}%` }} />
      </div>
      <span className="w-10 text-right text-xs text-zinc-600 tabular-nums">{clamped}%</span>
    </div>
  )
}
