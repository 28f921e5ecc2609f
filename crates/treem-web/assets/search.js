// As-you-type search on the children's list. The page is fetched again as
// the officer types (after a short pause) and its results are swapped in;
// an answer that arrives after a newer one is dropped. Without script, or on
// an old browser, the form still works with its button.
(function () {
  "use strict";
  var form = document.querySelector("form[data-live]");
  var box = document.getElementById("q");
  if (!form || !box || !window.fetch || !window.DOMParser || !window.URLSearchParams) return;
  var timer = null;
  var latest = 0;
  function run() {
    var params = new URLSearchParams(new FormData(form));
    var url = form.getAttribute("action") + "?" + params.toString();
    var mine = ++latest;
    fetch(url, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (html === null || mine !== latest) return;
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("results");
        var old = document.getElementById("results");
        if (fresh && old) {
          old.parentNode.replaceChild(document.importNode(fresh, true), old);
          history.replaceState(null, "", url);
        }
      })
      .catch(function () { /* offline: the button still works */ });
  }
  box.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(run, 250);
  });
})();
