// The "In phiếu" button of the print views: opens the browser's print dialog. A file, not an inline
// script (the page CSP allows scripts from this site only); without it, Ctrl+P prints the same page.
document.addEventListener('DOMContentLoaded', function () {
  document.querySelectorAll('[data-print]').forEach(function (button) {
    button.addEventListener('click', function () {
      window.print();
    });
  });
});
