'use client'

import { type ReactNode, useEffect, useRef, useState } from 'react'

/**
 * A `<details>` whose body is rendered once it is first opened, not with the page: a plan of many scripts sends
 * their summaries only. A details opened before the page became interactive renders its body as it hydrates.
 */
export function LazyDetails({
  summary,
  children,
  className,
  summaryClassName,
}: {
  summary: ReactNode
  children: ReactNode
  className?: string
  summaryClassName?: string
}) {
  const ref = useRef<HTMLDetailsElement>(null)
  const [opened, setOpened] = useState(false)
  useEffect(() => {
    if (ref.current?.open) setOpened(true)
  }, [])
  return (
    <details
      ref={ref}
      className={className}
      onToggle={(e) => {
        if (e.currentTarget.open) setOpened(true)
      }}
    >
      <summary className={summaryClassName}>{summary}</summary>
      {opened ? children : null}
    </details>
  )
}
