import { startTransition, type FormEvent } from 'react'

/**
 * An onSubmit that sends the form to a useActionState action without React's automatic reset of the
 * form (which would throw away what was typed when the server refuses it). Forms clear themselves on
 * success instead.
 */
export function submitKeepingInput(dispatch: (data: FormData) => void) {
  return (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    // The button that submitted the form sends its name and value too (a form with two ways to save).
    const data = new FormData(event.currentTarget, (event.nativeEvent as SubmitEvent).submitter)
    startTransition(() => dispatch(data))
  }
}
