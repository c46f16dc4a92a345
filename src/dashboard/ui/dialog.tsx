/**
 * @module
 * A confirmation dialog on the native <dialog> (modal: focus stays inside, Escape closes, focus
 * returns to the button that opened it). Confirm runs the action; its error stays on screen.
 */
import type { ComponentChildren } from 'preact'
import { useEffect, useRef, useState } from 'preact/hooks'

export interface DialogProps {
  title: string
  confirmLabel: string
  /** Disables confirm (e.g. an invalid input). */
  canConfirm?: boolean
  danger?: boolean
  onConfirm: () => Promise<void>
  onClose: () => void
  children: ComponentChildren
}

export function Dialog(props: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<{ message: string; hint?: string } | undefined>(undefined)
  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null
    ref.current?.showModal()
    return () => opener?.focus()
  }, [])
  const confirm = async (e: Event) => {
    e.preventDefault()
    setBusy(true)
    setError(undefined)
    try {
      await props.onConfirm()
      props.onClose()
    } catch (err) {
      setError({
        message: (err as Error).message,
        ...((err as { hint?: string }).hint ? { hint: (err as { hint: string }).hint } : {}),
      })
      setBusy(false)
    }
  }
  return (
    <dialog ref={ref} aria-labelledby="dialog-title" onClose={props.onClose} onCancel={props.onClose}>
      <form onSubmit={confirm}>
        <h2 id="dialog-title">{props.title}</h2>
        {props.children}
        {error && (
          <p class="banner error" role="alert">
            {error.message}
            {error.hint && <span class="hint"> {error.hint}</span>}
          </p>
        )}
        <div class="dialog-actions">
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
          <button
            type="submit"
            class={props.danger ? 'primary danger' : 'primary'}
            disabled={busy || props.canConfirm === false}
          >
            {busy ? 'Working…' : props.confirmLabel}
          </button>
        </div>
      </form>
    </dialog>
  )
}
