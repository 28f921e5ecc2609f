// Signing out of treem on a phone that holds village entries not yet sent:
// ask to send them first (they are kept either way, for this account), and
// wipe the children's lists the phone holds.
"use strict";
(function () {
  var form = document.querySelector("form[action='/logout']");
  if (!form || !window.indexedDB) return;
  var done = false;
  form.addEventListener("submit", function (ev) {
    if (done) return;
    ev.preventDefault();
    var go = function () { done = true; form.submit(); };
    var r = indexedDB.open("treem-village");
    r.onupgradeneeded = function () { r.transaction.abort(); };
    r.onerror = go;
    r.onsuccess = function () {
      var db = r.result;
      if (!db.objectStoreNames.contains("entries")) { db.close(); go(); return; }
      var tx = db.transaction(["entries", "lists"], "readwrite");
      var count = tx.objectStore("entries").index("state").count("pending");
      tx.oncomplete = function () {
        db.close();
        var n = count.result;
        if (n && window.confirm(form.dataset.unsent.replace("{n}", n))) {
          location.href = "/village/app";
          return;
        }
        var wipe = indexedDB.open("treem-village");
        wipe.onsuccess = function () {
          var t = wipe.result.transaction("lists", "readwrite");
          t.objectStore("lists").clear();
          t.oncomplete = go;
          t.onerror = go;
        };
        wipe.onerror = go;
      };
      tx.onerror = function () { db.close(); go(); };
    };
  });
  // Says the question is in place (a test waits for it before signing out).
  form.dataset.guarded = "1";
})();
