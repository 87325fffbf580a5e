import { startTransition, type FormEvent } from 'react'

/**
 * An onSubmit that sends the form to a useActionState action without React's automatic reset of the
 * form (which would throw away what was typed when the server refuses it). Forms clear themselves on
 * success instead.
 */
export function submitKeepingInput(dispatch: (data: FormData) => void) {
  return (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const data = new FormData(event.currentTarget)
    startTransition(() => dispatch(data))
  }
}
