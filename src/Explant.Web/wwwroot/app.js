// Print buttons (handouts, consent, OR list): a listener instead of inline onclick, which the CSP forbids.
document.addEventListener("click", function (event) {
  var target = event.target instanceof Element ? event.target.closest("[data-print]") : null;
  if (target) {
    window.print();
  }
});
