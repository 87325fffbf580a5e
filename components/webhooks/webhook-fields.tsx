import { Field, Input, Select } from '@/components/ui/field'
import { EVENT_LABELS, FORMAT_LABELS, WEBHOOK_EVENTS, WEBHOOK_FORMATS } from '@/lib/domain/webhooks'
import type { WebhookEvent, WebhookFormat } from '@/lib/generated/prisma/enums'

type Errors = Record<string, string[]> | undefined

/** The fields of a webhook, for registering one and for its settings. `editing`: the URL may stay empty to keep it. */
export function WebhookFields({
  errors,
  initial,
  editing = false,
}: {
  errors: Errors
  initial?: { name: string; url: string; events: WebhookEvent[]; format: WebhookFormat }
  editing?: boolean
}) {
  const chosen = new Set(initial?.events ?? [])
  return (
    <div className="space-y-4">
      <div className="grid gap-4 md:grid-cols-2">
        <Field label="Name" name="name" errors={errors?.name} hint="Who receives it, e.g. “Deploy channel”.">
          <Input
            name="name"
            required
            maxLength={120}
            defaultValue={initial?.name}
            invalid={!!errors?.name}
            autoComplete="off"
          />
        </Field>
        <Field
          label="URL"
          name="url"
          errors={errors?.url}
          hint={
            editing
              ? `Now ${initial?.url}. Leave empty to keep it.`
              : 'An https:// address (http:// only inside a trusted network): events are POSTed to it.'
          }
        >
          <Input
            name="url"
            type="url"
            inputMode="url"
            required={!editing}
            maxLength={2000}
            placeholder="https://hooks.example.com/lockstep"
            invalid={!!errors?.url}
            autoComplete="off"
          />
        </Field>
      </div>
      <Field
        label="Format"
        name="format"
        errors={errors?.format}
        hint="Slack: a message for a Slack incoming-webhook URL."
      >
        <Select name="format" defaultValue={initial?.format ?? 'STANDARD'} invalid={!!errors?.format}>
          {WEBHOOK_FORMATS.map((f) => (
            <option key={f} value={f}>
              {FORMAT_LABELS[f]}
            </option>
          ))}
        </Select>
      </Field>
      <fieldset aria-describedby={errors?.events ? 'events-error' : undefined}>
        <legend className="text-sm font-medium text-zinc-700">Events</legend>
        <div className="mt-2 grid gap-2 sm:grid-cols-2 lg:grid-cols-3">
          {WEBHOOK_EVENTS.map((event) => (
            <label key={event} className="flex min-h-8 items-center gap-2 text-sm text-zinc-800">
              <input
                type="checkbox"
                name={`event:${event}`}
                defaultChecked={chosen.has(event)}
                className="size-4 rounded border-zinc-300"
              />
              {EVENT_LABELS[event]}
            </label>
          ))}
        </div>
        {errors?.events ? (
          <p id="events-error" role="alert" className="mt-1 text-xs text-red-700">
            {errors.events.join(' ')}
          </p>
        ) : null}
      </fieldset>
    </div>
  )
}
