// Print buttons (handouts, consent, OR list): a listener instead of inline onclick, which the CSP forbids.
document.addEventListener("click", function (event) {
  var target = event.target instanceof Element ? event.target.closest("[data-print]") : null;
  if (target) {
    window.print();
  }
});

// Unsaved-changes guard (issue #13 §5): a form marked data-dirty-guard warns before the page is left once something in it
// changed; submitting the form itself is not "leaving".
(function () {
  var dirty = false;
  document.addEventListener("input", function (event) {
    if (event.target instanceof Element && event.target.closest("form[data-dirty-guard]")) {
      dirty = true;
    }
  });
  document.addEventListener("submit", function (event) {
    if (event.target instanceof Element && event.target.matches("form[data-dirty-guard]")) {
      dirty = false;
    }
  });
  window.addEventListener("beforeunload", function (event) {
    if (dirty) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();
