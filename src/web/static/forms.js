// The forms' behaviour that needs a script, from a file (the page CSP allows scripts from this site only):
// - a refused form's error summary (components/error-summary.tsx) takes the focus on load, so that a
//   screen reader reads it and a phone shows it, wherever the error is on the page (GOV.UK's pattern);
// - a link of the summary moves the focus to its field and scrolls it into view with its label above.
// Without the script the summary is still at the top of the page and its links still lead to the fields.
document.addEventListener('DOMContentLoaded', function () {
  var summary = document.querySelector('[data-error-summary]');
  if (!summary) return;
  summary.focus();
  summary.addEventListener('click', function (event) {
    var link = event.target.closest('a[href^="#"]');
    if (!link) return;
    var field = document.getElementById(link.getAttribute('href').slice(1));
    if (!field) return;
    event.preventDefault();
    var label = document.querySelector('label[for="' + field.id + '"]');
    (label || field).scrollIntoView({ block: 'start' });
    field.focus({ preventScroll: true });
  });
});
