// The case page's step form: only the parts of Decree 56's forms that the
// chosen step has are shown (every part is shown without JavaScript). A
// hidden part's fields are still sent, so what was typed in one is refused
// with its reason, never dropped unseen.
(function () {
  var select = document.getElementById('step-select');
  if (!select) return;
  function show() {
    var parts = document.querySelectorAll('.step-part');
    for (var i = 0; i < parts.length; i++) {
      var steps = parts[i].getAttribute('data-steps').split(' ');
      parts[i].hidden = steps.indexOf(select.value) < 0;
    }
  }
  select.addEventListener('change', show);
  show();
})();
