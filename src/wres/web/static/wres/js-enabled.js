// Loaded first thing in <body> (an external file: the CSP allows no inline script), as GOV.UK Frontend's
// template snippet does: its components are styled for JavaScript only when the body says so.
document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '')
