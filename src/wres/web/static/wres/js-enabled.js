// GOV.UK Frontend styles its components for JavaScript only when the body says it is there (no inline script: CSP).
document.documentElement.classList.add('js-enabled')
document.addEventListener('DOMContentLoaded', function () {
  document.body.classList.add('js-enabled')
  if ('noModule' in HTMLScriptElement.prototype) document.body.classList.add('govuk-frontend-supported')
})
