import { initAll } from '/assets/govuk/govuk-frontend.min.js'
initAll()

// A report being built: ask for its status every few seconds and show it when it changes.
const status = document.querySelector('[data-report-status-url]')
if (status) {
  const poll = async () => {
    const response = await fetch(status.dataset.reportStatusUrl, { headers: { Accept: 'application/json' } })
    if (!response.ok) return
    const job = await response.json()
    if (job.status !== status.dataset.reportStatus) { window.location.reload(); return }
    setTimeout(poll, 3000)
  }
  setTimeout(poll, 3000)
}
