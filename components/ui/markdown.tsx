import ReactMarkdown from 'react-markdown'
import remarkGfm from 'remark-gfm'
import { cn } from './cn'

// Short Markdown written in Lockstep or imported with a plan (summaries, states, notes). Raw HTML in
// the text is dropped, never rendered; unsafe link protocols are removed (react-markdown's default);
// links open outside the app.

export function Markdown({ children, className }: { children: string; className?: string }) {
  return (
    <div
      className={cn(
        'space-y-2 text-sm text-zinc-700 [&_code]:rounded [&_code]:bg-zinc-100 [&_code]:px-1 [&_code]:font-mono [&_code]:text-xs [&_h1]:font-semibold [&_h2]:font-semibold [&_h3]:font-semibold [&_h4]:font-semibold [&_ol]:list-decimal [&_ol]:pl-5 [&_pre]:overflow-auto [&_pre]:rounded-md [&_pre]:border [&_pre]:border-zinc-200 [&_pre]:bg-white [&_pre]:p-2 [&_pre_code]:bg-transparent [&_pre_code]:p-0 [&_table]:text-left [&_td]:border-t [&_td]:border-zinc-100 [&_td]:pr-3 [&_th]:pr-3 [&_th]:font-medium [&_ul]:list-disc [&_ul]:pl-5',
        className,
      )}
    >
      <ReactMarkdown
        remarkPlugins={[remarkGfm]}
        skipHtml
        components={{
          a: ({ href, children }) => (
            <a href={href} target="_blank" rel="noreferrer noopener" className="text-indigo-700 underline">
              {children}
            </a>
          ),
        }}
      >
        {children}
      </ReactMarkdown>
    </div>
  )
}
