'use client'

import { Button } from '@/components/ui/button'

/** The browser's print dialog: the page's print stylesheet makes a clean document, and "Save as PDF" a PDF. */
export function PrintButton() {
  return (
    <Button size="sm" variant="secondary" onClick={() => window.print()}>
      Print or save as PDF
    </Button>
  )
}
