/** Entry point: the page in an error boundary, so a failure shows a message, never a blank page. */
import { Component, render, type ComponentChildren } from 'preact'
import { App } from './app'
import './style.css'

class ErrorBoundary extends Component<{ children: ComponentChildren }, { error: Error | null }> {
  override state = { error: null as Error | null }

  override componentDidCatch (error: Error): void {
    this.setState({ error })
  }

  override render (): ComponentChildren {
    const { error } = this.state
    if (error === null) return this.props.children
    return (
      <main class='fatal' role='alert'>
        <h1>The dashboard hit an error</h1>
        <p>{error.message}</p>
        <p>The sandbox itself is not affected. <button type='button' onClick={() => location.reload()}>Reload the page</button></p>
      </main>
    )
  }
}

const root = document.getElementById('app') as HTMLElement
root.textContent = ''
render(<ErrorBoundary><App /></ErrorBoundary>, root)
performance.mark('dashboard:first-render')
